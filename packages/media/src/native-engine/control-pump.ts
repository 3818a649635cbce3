import type { NativeMediaEngineBinding } from '../native-gateway.js';
import type { NativeUdpTransport, UdpAddress } from './udp-shim.js';

/** `drainControl` record: `[endpoint, offset, length, port, family, addr0, addr1, addr2, addr3]`. */
const STRIDE = 9;
const MAX_RECORDS = 256;
const BUFFER_BYTES = 512 * 1024;
/** Safety net: drain even if a doorbell call was lost (the engine re-rings anyway); `onTick` too. */
const POLL_MS = 100;

/** What the pump handed to werift, by class of the first byte (RFC 7983). */
export interface DeliveredCounts {
  stun: number;
  dtls: number;
  /** RTP or RTCP given to werift: must stay 0 on this engine. */
  media: number;
  other: number;
  /** Datagrams for an endpoint without a live shim. */
  undeliverable: number;
}

function ipv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

function ipv6(words: Uint32Array, at: number): string {
  const parts: string[] = [];
  for (let i = 0; i < 4; i++) {
    const w = words[at + i]!;
    parts.push((w >>> 16).toString(16), (w & 0xffff).toString(16));
  }
  return parts.join(':');
}

/**
 * Moves STUN and DTLS datagrams from the native engine to werift: the engine's doorbell (one
 * threadsafe call per burst, never per packet) triggers `drain`, which empties the engine's queue
 * into two reused buffers with as few native calls as it takes and hands each datagram, copied,
 * to the shim of its endpoint.
 */
export class ControlPump {
  readonly delivered: DeliveredCounts = { stun: 0, dtls: 0, media: 0, other: 0, undeliverable: 0 };
  readonly #shimsOf: (endpoint: number) => Set<NativeUdpTransport> | undefined;
  readonly #out = new Uint8Array(BUFFER_BYTES);
  readonly #index = new Uint32Array(STRIDE * MAX_RECORDS);
  #timer: NodeJS.Timeout | undefined;
  #draining = false;
  #stopped = false;

  constructor(shimsOf: (endpoint: number) => Set<NativeUdpTransport> | undefined) {
    this.#shimsOf = shimsOf;
  }

  start(binding: NativeMediaEngineBinding, onTick: () => void): void {
    this.#timer = setInterval(() => {
      this.drain(binding);
      onTick();
    }, POLL_MS);
    this.#timer.unref();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  drain(binding: NativeMediaEngineBinding): void {
    if (this.#stopped || this.#draining) return;
    this.#draining = true;
    try {
      // Bounded: each round moves ≥ 1 datagram out of a bounded queue, or ends the loop.
      for (let round = 0; round < 1024; round++) {
        const n = binding.drainControl(this.#out, this.#index);
        for (let i = 0; i < n; i++) this.#deliver(i);
        if (n < MAX_RECORDS) break;
      }
    } finally {
      this.#draining = false;
    }
  }

  #deliver(i: number): void {
    const r = this.#index;
    const at = i * STRIDE;
    const endpoint = r[at]!;
    const offset = r[at + 1]!;
    const length = r[at + 2]!;
    const host = r[at + 4] === 6 ? ipv6(r, at + 5) : ipv4(r[at + 5]!);
    const from: UdpAddress = [host, r[at + 3]!];
    const data = Buffer.from(this.#out.subarray(offset, offset + length));
    const first = data[0] ?? 255;
    if (first <= 3) this.delivered.stun++;
    else if (first >= 20 && first <= 63) this.delivered.dtls++;
    else if (first >= 128 && first <= 191) this.delivered.media++;
    else this.delivered.other++;
    const shim = pickShim(this.#shimsOf(endpoint), from);
    if (!shim) {
      this.delivered.undeliverable++;
      return;
    }
    shim.deliver(data, from);
  }
}

/** The shim that last talked to `from`, else the first live one. */
function pickShim(shims: Set<NativeUdpTransport> | undefined, from: UdpAddress): NativeUdpTransport | undefined {
  if (!shims) return undefined;
  let first: NativeUdpTransport | undefined;
  for (const s of shims) {
    if (s.closed) continue;
    const last = s.lastRemote;
    if (last && last[0] === from[0] && last[1] === from[1]) return s;
    first ??= s;
  }
  return first;
}
