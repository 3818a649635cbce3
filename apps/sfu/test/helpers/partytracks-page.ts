import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { routePartyTracksRequest } from 'partytracks/server';

/**
 * The browser side of the partytracks test: the real `partytracks/client`, unchanged, with a few
 * functions on `window.pt` for the test to call. Page A publishes (camera + mic), page B subscribes.
 * Every subscription is kept: partytracks closes a pushed or pulled track (tracks/close) when its
 * Observable is unsubscribed, and the PeerConnection when nothing subscribes to its session any more.
 */
const BROWSER_ENTRY = `
import { PartyTracks } from 'partytracks/client';
import { of } from 'rxjs';

const state = {};
const keep = (observable, into, key) =>
  new Promise((resolve, reject) => { into[key] = observable.subscribe({ next: resolve, error: reject }); });
const withPeerConnection = (pt, into) => { into.pcSub = pt.peerConnection$.subscribe((pc) => { into.pc = pc; }); };

window.pt = {
  async publish() {
    const media = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: true });
    const pub = (state.pub = { pt: new PartyTracks({ prefix: '/partytracks' }) });
    withPeerConnection(pub.pt, pub);
    const [video, audio] = await Promise.all([
      keep(pub.pt.push(of(media.getVideoTracks()[0])), pub, 'videoSub'),
      keep(pub.pt.push(of(media.getAudioTracks()[0])), pub, 'audioSub'),
    ]);
    return { video, audio, iceServers: pub.pc.getConfiguration().iceServers ?? [] };
  },

  async subscribe(video, audio) {
    const sub = (state.sub = { pt: new PartyTracks({ prefix: '/partytracks' }) });
    withPeerConnection(sub.pt, sub);
    sub.sessionIdSub = sub.pt.session$.subscribe((s) => { sub.sessionId = s.sessionId; });
    const [videoTrack, audioTrack] = await Promise.all([
      keep(sub.pt.pull(of(video)), sub, 'videoSub'),
      keep(sub.pt.pull(of(audio)), sub, 'audioSub'),
    ]);
    sub.videoTrack = videoTrack;
    const el = document.querySelector('video');
    el.srcObject = new MediaStream([videoTrack, audioTrack]);
    await el.play().catch(() => {});
    return { sessionId: sub.sessionId, iceServers: sub.pc.getConfiguration().iceServers ?? [] };
  },

  /** B's inbound-rtp counters, read from the PeerConnection partytracks owns. */
  async inboundStats() {
    const out = {};
    (await state.sub.pc.getStats()).forEach((s) => {
      if (s.type !== 'inbound-rtp') return;
      if (s.kind === 'video') out.video = { framesDecoded: s.framesDecoded ?? 0, frameWidth: s.frameWidth ?? 0, frameHeight: s.frameHeight ?? 0 };
      if (s.kind === 'audio') out.audio = { packetsReceived: s.packetsReceived ?? 0 };
    });
    return out;
  },

  /** Unsubscribes B's pulled video: partytracks stops the transceiver and renegotiates via tracks/close. */
  dropVideo() {
    const sub = state.sub;
    sub.videoMid = sub.pc.getTransceivers().find((t) => t.receiver.track === sub.videoTrack)?.mid;
    sub.videoSub.unsubscribe();
    return sub.videoMid;
  },

  subscriberState() {
    const pc = state.sub.pc;
    return {
      signalingState: pc.signalingState,
      connectionState: pc.connectionState,
      videoTrackState: state.sub.videoTrack.readyState,
      transceivers: pc.getTransceivers().map((t) => ({ mid: t.mid, kind: t.receiver.track.kind, currentDirection: t.currentDirection })),
    };
  },

  /** partytracks' own API log (requests and response bodies), for failure messages. */
  history() {
    return { pub: state.pub?.pt.history.entries ?? [], sub: state.sub?.pt.history.entries ?? [] };
  },
};
`;

/** Bundles BROWSER_ENTRY (partytracks + rxjs) for the browser, in memory. */
export async function bundlePartyTracksClient(): Promise<string> {
  const result = await build({
    stdin: { contents: BROWSER_ENTRY, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'js' },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    // tiny-invariant (a partytracks dependency) reads it; a bundler defines it.
    define: { 'process.env.NODE_ENV': '"development"' },
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** The request carried a `partytracks-session-*` cookie. */
  readonly hadSessionCookie: boolean;
  readonly setCookie: readonly string[];
}

export interface PartyTracksBackend {
  readonly url: string;
  /** Every `/partytracks/*` request, in order, with the status partytracks' helper answered. */
  readonly requests: readonly ProxiedRequest[];
  close(): Promise<void>;
}

export interface PartyTracksBackendOptions {
  /** The OpenCalls base URL, without `/v1`. */
  readonly sfuUrl: string;
  readonly appId: string;
  readonly secret: string;
  readonly bundle: string;
  readonly lockSessionToInitiator: boolean;
}

const PAGE = '<!doctype html><meta charset="utf-8"><title>partytracks on OpenCalls</title><video muted playsinline></video><script src="/bundle.js"></script>';

/**
 * The app's backend as a partytracks user writes it, on node:http: a page, its bundle, and every
 * `/partytracks/*` request handed to partytracks' `routePartyTracksRequest`, which forwards it to
 * the SFU (here OpenCalls) with the app token.
 */
export async function startPartyTracksBackend(options: PartyTracksBackendOptions): Promise<PartyTracksBackend> {
  const restoreFetch = allowStreamBodiesInFetch();
  const requests: ProxiedRequest[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
      return;
    }
    if (url.pathname === '/bundle.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(options.bundle);
      return;
    }
    if (!url.pathname.startsWith('/partytracks/')) {
      res.writeHead(url.pathname === '/favicon.ico' ? 204 : 404).end();
      return;
    }
    const request = await toWebRequest(req, url);
    const response = await routePartyTracksRequest({
      appId: options.appId,
      token: options.secret,
      realtimeApiBaseUrl: `${options.sfuUrl}/v1`,
      request,
      lockSessionToInitiator: options.lockSessionToInitiator,
      // Without these the helper answers generate-ice-servers itself with stun.cloudflare.com;
      // with them it asks OpenCalls' TURN-compatible endpoint (configured servers: none).
      turnServerAppId: options.appId,
      turnServerAppToken: options.secret,
    });
    const setCookie = response.headers.getSetCookie();
    requests.push({
      method: request.method,
      path: url.pathname,
      status: response.status,
      hadSessionCookie: /(^|;\s*)partytracks-session-/.test(request.headers.get('cookie') ?? ''),
      setCookie,
    });
    await writeWebResponse(res, response, setCookie);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error('[partytracks backend]', err);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      restoreFetch();
    },
  };
}

async function toWebRequest(req: IncomingMessage, url: URL): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
  }
  const method = req.method ?? 'GET';
  let body: ArrayBuffer | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    body = new Uint8Array(Buffer.concat(chunks)).buffer;
  }
  return new Request(url, { method, headers, body });
}

async function writeWebResponse(res: ServerResponse, response: Response, setCookie: readonly string[]): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  const hopByHop = new Set(['set-cookie', 'content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive']);
  response.headers.forEach((value, name) => {
    if (!hopByHop.has(name)) headers[name] = value;
  });
  if (setCookie.length > 0) headers['set-cookie'] = [...setCookie];
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, headers).end(body);
}

/**
 * partytracks' server helper is written for Cloudflare Workers, whose `fetch` takes the incoming
 * request's body stream as is. Node's fetch (undici) refuses a stream body without
 * `duplex: 'half'` ("RequestInit: duplex option is required when sending a body"), so while the
 * backend runs, `fetch` adds it to such calls. Nothing else about the request changes. This is a
 * Node-versus-Workers difference, not something OpenCalls sees.
 */
function allowStreamBodiesInFetch(): () => void {
  const original = globalThis.fetch;
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) =>
    original(input, init?.body instanceof ReadableStream ? ({ ...init, duplex: 'half' } as RequestInit) : init)) as typeof fetch;
  return () => {
    globalThis.fetch = original;
  };
}
