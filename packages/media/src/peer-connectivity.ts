/**
 * The connection state a Calls session sees for one werift PeerConnection. It drives the
 * session's lifecycle (design.md §6): operations wait for `connected` (425 after
 * `connectWaitMs`), and leaving `connected` starts the reuse window (410 after `reuseWindowMs`).
 *
 * werift 0.25.2's own `connectionState` is not enough for that, in two places:
 * - **Lost connectivity.** A peer that goes silent stays `connected` until RFC 7675 consent
 *   expires (30 s, then `failed`); werift never reports `disconnected`. We call a connected peer
 *   `disconnected` once nothing at all (STUN checks or responses, DTLS, SRTP/SRTCP) has arrived
 *   on any of its candidate pairs for `disconnectedAfterMs`, and `connected` again as soon as
 *   something arrives ("resumed ICE"). The default (10 s) is above the longest gap an idle but
 *   healthy peer leaves: werift sends consent checks every 4–6 s and answers ours as often;
 *   browsers check every ~2.5 s and send RTCP about once a second.
 * - **ICE restart.** werift does not move `connectionState` during a restart, and leaves it at
 *   `failed` after a consent expiry even once a restart has reconnected. We follow the ICE
 *   transport instead once the peer has been connected: `new`/`checking` → `connecting`,
 *   `connected`/`completed` with a nominated pair → `connected` (werift says `completed` as soon
 *   as a restarted agent has gathered, before any check).
 */
import type { RTCPeerConnection } from 'werift';
import type { PeerConnectionState } from './media-peer.js';

export type IceConnectionState = 'new' | 'checking' | 'connected' | 'completed' | 'disconnected' | 'failed' | 'closed';

export interface ConnectivityInputs {
  /** werift's `RTCPeerConnection.connectionState`. */
  readonly pcState: PeerConnectionState;
  /** werift's aggregate `RTCPeerConnection.iceConnectionState`. */
  readonly iceState: IceConnectionState;
  /** Whether `pcState` was ever `connected` (DTLS done once). */
  readonly everConnected: boolean;
  /**
   * Whether every ICE transport has a nominated pair. After a restart werift reports the ICE
   * state `completed` as soon as gathering ends, long before a new pair is nominated.
   */
  readonly nominated: boolean;
  /** Time since anything last arrived from the peer. */
  readonly silentMs: number;
  readonly disconnectedAfterMs: number;
}

/** The rule, as a pure function (see the file comment). */
export function effectiveConnectionState(inputs: ConnectivityInputs): PeerConnectionState {
  const { pcState, iceState } = inputs;
  if (pcState === 'closed') return 'closed';
  if (!inputs.everConnected) return pcState;
  switch (iceState) {
    case 'failed':
    case 'closed':
    case 'disconnected':
      return iceState;
    case 'new':
    case 'checking':
      return 'connecting';
    case 'connected':
    case 'completed':
      if (!inputs.nominated) return 'connecting';
      return inputs.silentMs >= inputs.disconnectedAfterMs ? 'disconnected' : 'connected';
  }
}

/**
 * A number that changes whenever the peer sends us anything: the sum of every candidate pair's
 * received-packet, received-request and received-response counters. After an ICE restart the
 * pairs are new, so the number changes too, which counts as activity.
 */
export function inboundActivitySignature(pc: RTCPeerConnection): number {
  let sum = 0;
  for (const transport of pc.iceTransports) {
    const pairs = transport.connection.candidatePairs;
    sum += pairs.length * 1_000_003;
    for (const pair of pairs) sum += pair.packetsReceived + pair.requestsReceived + pair.responsesReceived;
  }
  return sum;
}

export interface PeerConnectivityOptions {
  /** A connected peer that sends nothing for this long is `disconnected`. */
  readonly disconnectedAfterMs: number;
  /** How often inbound activity is sampled; defaults to a quarter of `disconnectedAfterMs`, within 20–500 ms. */
  readonly pollIntervalMs?: number | undefined;
}

type Listener = (state: PeerConnectionState) => void;

/** Watches one werift PeerConnection and reports `effectiveConnectionState` changes. */
export class PeerConnectivity {
  readonly #pc: RTCPeerConnection;
  readonly #disconnectedAfterMs: number;
  readonly #listeners = new Set<Listener>();
  readonly #timer: NodeJS.Timeout;
  readonly #unsubscribe: (() => void)[] = [];
  #state: PeerConnectionState;
  #everConnected = false;
  #signature = Number.NaN;
  #lastActivityMs = performance.now();
  #closed = false;

  constructor(pc: RTCPeerConnection, options: PeerConnectivityOptions) {
    if (!(options.disconnectedAfterMs > 0)) {
      throw new RangeError(`disconnectedAfterMs must be a positive number, got ${options.disconnectedAfterMs}`);
    }
    this.#pc = pc;
    this.#disconnectedAfterMs = options.disconnectedAfterMs;
    this.#state = pc.connectionState;
    const pollMs = options.pollIntervalMs ?? Math.min(500, Math.max(20, options.disconnectedAfterMs / 4));
    const onConnection = pc.connectionStateChange.subscribe(() => this.#update());
    const onIce = pc.iceConnectionStateChange.subscribe((state) => {
      // A transport that (re)connects starts with a clean slate: no silence yet.
      if (state === 'connected' || state === 'completed') this.#lastActivityMs = performance.now();
      this.#update();
    });
    this.#unsubscribe.push(() => onConnection.unSubscribe(), () => onIce.unSubscribe());
    this.#timer = setInterval(() => this.#sample(), pollMs);
    this.#timer.unref();
  }

  get state(): PeerConnectionState {
    return this.#state;
  }

  onChange(fn: Listener): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Stops watching. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    for (const off of this.#unsubscribe.splice(0)) off();
    this.#listeners.clear();
  }

  #sample(): void {
    const signature = inboundActivitySignature(this.#pc);
    if (signature !== this.#signature) {
      this.#signature = signature;
      this.#lastActivityMs = performance.now();
    }
    this.#update();
  }

  #update(): void {
    if (this.#closed) return;
    const pcState = this.#pc.connectionState;
    if (pcState === 'connected' && !this.#everConnected) {
      this.#everConnected = true;
      this.#lastActivityMs = performance.now();
    }
    const next = effectiveConnectionState({
      pcState,
      iceState: this.#pc.iceConnectionState,
      everConnected: this.#everConnected,
      nominated: this.#pc.iceTransports.every((t) => t.connection.nominated !== undefined),
      silentMs: performance.now() - this.#lastActivityMs,
      disconnectedAfterMs: this.#disconnectedAfterMs,
    });
    if (next === this.#state) return;
    this.#state = next;
    for (const fn of [...this.#listeners]) fn(next);
  }
}
