import { RTCPeerConnection, useOPUS, useVP8 } from 'werift';

/** A werift PeerConnection on 127.0.0.1 only. */
export function loopbackPeer(): RTCPeerConnection {
  return new RTCPeerConnection({
    iceServers: [],
    bundlePolicy: 'max-bundle',
    codecs: { audio: [useOPUS()], video: [useVP8()] },
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
  });
}

/** A tiny Calls API client (the benchmark speaks the same HTTP API as any client). */
export class Api {
  readonly #base: string;
  readonly #auth: string;
  constructor(url: string, appId: string, secret: string) {
    this.#base = `${url}/v1/apps/${appId}`;
    this.#auth = `Bearer ${secret}`;
  }
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.#base}${path}`, {
      method,
      headers: { authorization: this.#auth },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as T & { errorCode?: string; errorDescription?: string };
    if (!res.ok || json.errorCode) throw new Error(`${method} ${path} → ${res.status} ${json.errorCode} ${json.errorDescription}`);
    return json;
  }
}

export async function waitFor(pred: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!pred()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs `fn` over `items` with at most `limit` at once. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}
