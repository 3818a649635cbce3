import { SfuError } from '@opencalls/protocol';
import type { MediaEngine, MediaPeer, Publication } from '@opencalls/media';
import type { TrackSimulcast } from '@opencalls/protocol';
import { waitForConnected, type Session, type Timers } from '@opencalls/session';
import type { RTCRtpTransceiver } from 'werift';
import type { Logger } from 'pino';

/** A pull whose SFU offer is out; it starts forwarding when the client's answer arrives. */
export interface PendingPull {
  readonly transceiver: RTCRtpTransceiver;
  readonly publisher: Publication;
  readonly mid: string;
  /** The pull's `simulcast` wishes (layer choice when the publication is simulcast). */
  readonly simulcast?: TrackSimulcast | undefined;
}

/** A push without a client offer; it is published when the client's answer arrives. */
export interface PendingPush {
  readonly transceiver: RTCRtpTransceiver;
  readonly trackName: string;
}

/**
 * One Calls session as the server sees it: the session's bookkeeping (`@opencalls/session`) and
 * its PeerConnection (`@opencalls/media`), created on the first SDP exchange.
 */
export class CallSession {
  readonly session: Session;
  /** The service logger's child for this session: every line carries sessionId (and correlationId). */
  readonly logger: Logger;
  readonly #engine: MediaEngine;
  readonly #timers: Timers;
  #peer: MediaPeer | undefined;
  /** True once one offer/answer completed: later operations need a connected transport. */
  transportNegotiated = false;
  readonly pendingPulls = new Map<string, PendingPull>();
  readonly pendingPushes = new Map<string, PendingPush>();
  #closed = false;

  constructor(session: Session, engine: MediaEngine, timers: Timers, logger: Logger) {
    this.session = session;
    this.logger = logger;
    this.#engine = engine;
    this.#timers = timers;
  }

  get id(): string {
    return this.session.id;
  }

  get hasPeer(): boolean {
    return this.#peer !== undefined;
  }

  /** The session's PeerConnection, created on first use; its state drives the session's. */
  get peer(): MediaPeer {
    if (this.#closed) throw new SfuError('session_error', `Session ${this.id} is closed`, { sessionReason: 'gone' });
    if (!this.#peer) {
      const peer = this.#engine.createPeer();
      peer.onConnectionStateChange((state) => {
        if (!this.session.closed) this.session.setConnectionState(state);
      });
      this.#peer = peer;
    }
    return this.#peer;
  }

  /**
   * Operations that need an established transport wait up to `connectWaitMs` for `connected`
   * (then 425 `session_error`; 410 if the session ends meanwhile). Calls: "Operations that require
   * an established transport wait up to five seconds for connectivity" (calls-api.md §5).
   *
   * Which operations wait (design.md §4: the first offer/answer establishes, later ones wait):
   * - `tracks/new` (push with or without a client offer, pull), `tracks/update`, `tracks/close`
   *   and the `datachannels/*` operations wait, once one offer/answer has completed on this session
   *   (`transportNegotiated`). Before that there is nothing to wait for: the operation sets the
   *   transport up (echo and partytracks flows).
   * - `renegotiate` never waits: it completes an exchange the SFU started (the answer to an SFU
   *   offer establishes the transport of a pull-first session), and a client offer on it is how an
   *   ICE restart recovers a disconnected session inside the reuse window.
   * - `sessions/new` (also with the legacy offer body) and `GET session` never wait.
   * A `disconnected` session (reuse window running) waits like an unconnected one: resumed ICE or
   * an ICE restart inside the wait lets the operation proceed.
   */
  async ensureConnected(): Promise<void> {
    if (!this.transportNegotiated) return;
    const decision = await waitForConnected(this.session, this.session.options.connectWaitMs, this.#timers);
    if (!decision.ok) {
      throw new SfuError('session_error', decision.description, { sessionReason: decision.reason });
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.pendingPulls.clear();
    this.pendingPushes.clear();
    const peer = this.#peer;
    this.#peer = undefined;
    if (peer) await this.#engine.closePeer(peer);
  }
}
