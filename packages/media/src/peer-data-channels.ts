import { InvalidStateError } from '@opencalls/protocol';
import type { RTCDataChannel, RTCPeerConnection, RTCSctpTransport } from 'werift';
import { repairSctp } from './werift-sctp-repairs.js';

/**
 * Where a PeerConnection's SCTP (DataChannel) transport stands:
 * - `none`: no `m=application` section in any description;
 * - `pending`: the SFU offered one and the answer has not come back;
 * - `negotiated`: both descriptions carry it (the association may still be connecting).
 */
export type SctpTransportState = 'none' | 'pending' | 'negotiated';

/** The delivery policy of a negotiated channel; both ends must use the same one. */
export interface NegotiatedChannelOptions {
  /** The SCTP stream id, agreed out of band (RFC 8832 §6: negotiated channels send no DCEP). */
  readonly id: number;
  readonly ordered?: boolean | undefined;
  readonly maxRetransmits?: number | undefined;
  readonly maxPacketLifeTime?: number | undefined;
}

/** The SCTP `connected` state of werift's association. */
const ASSOCIATION_CONNECTED = 'connected';

/**
 * The DataChannel side of one werift PeerConnection: the state of its SCTP transport, the stream
 * ids in use, and negotiated channels created on it. Every access makes sure the current SCTP
 * association carries our repairs of werift's SCTP bugs (werift-sctp-repairs.ts).
 */
export class PeerDataChannels {
  readonly #pc: RTCPeerConnection;
  #watchingNegotiation = false;

  constructor(pc: RTCPeerConnection) {
    this.#pc = pc;
  }

  get state(): SctpTransportState {
    const transport = this.#transport();
    if (!transport) return 'none';
    return this.#pc.sctpRemotePort !== undefined ? 'negotiated' : 'pending';
  }

  /** Whether the SCTP association is up (channels created now open at once). */
  get established(): boolean {
    return this.#transport()?.sctp?.state === ASSOCIATION_CONNECTED;
  }

  /** Stream ids in use: channels negotiated here and channels the remote opened with DCEP. */
  busyIds(): number[] {
    const transport = this.#transport();
    return transport ? Object.keys(transport.dataChannels).map(Number) : [];
  }

  /** The open (or opening) channel on stream `id`, whoever created it. */
  channel(id: number): RTCDataChannel | undefined {
    return this.#transport()?.dataChannels[id];
  }

  /**
   * Creates a negotiated channel on stream `options.id` (this also creates the SCTP transport, and
   * so an `m=application` section in the next offer, when there is none). Throws
   * `InvalidStateError` when the id is taken or the options are invalid.
   */
  createNegotiated(label: string, options: NegotiatedChannelOptions): RTCDataChannel {
    if (this.#pc.connectionState === 'closed') throw new InvalidStateError('createNegotiated(): the PeerConnection is closed');
    if (this.channel(options.id)) throw new InvalidStateError(`SCTP stream ${options.id} is already in use on this PeerConnection`);
    let channel: RTCDataChannel;
    try {
      channel = this.#pc.createDataChannel(label, {
        negotiated: true,
        id: options.id,
        ordered: options.ordered ?? true,
        ...(options.maxRetransmits !== undefined ? { maxRetransmits: options.maxRetransmits } : {}),
        ...(options.maxPacketLifeTime !== undefined ? { maxPacketLifeTime: options.maxPacketLifeTime } : {}),
      });
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new InvalidStateError(`Could not create DataChannel ${label} on stream ${options.id}: ${detail}`);
    }
    repairSctp(this.#pc.sctpTransport ?? undefined);
    this.#startAfterNegotiation();
    return channel;
  }

  /**
   * Waits up to `timeoutMs` for the association (starting it if werift left it idle, see
   * `#startIfIdle`). Resolves false on timeout or when there is no negotiated transport.
   */
  async waitEstablished(timeoutMs: number): Promise<boolean> {
    if (this.established) return true;
    const transport = this.#transport();
    const remotePort = this.#pc.sctpRemotePort;
    if (!transport || remotePort === undefined) return false;
    this.#startIfIdle();
    const connected = transport.sctp.stateChanged.connected;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const { unSubscribe } = connected.subscribe(done);
      function done(): void {
        clearTimeout(timer);
        unSubscribe();
        resolve();
      }
    });
    return this.established;
  }

  /**
   * werift starts SCTP only while it connects ICE and DTLS: a transport negotiated after the
   * PeerConnection connected (datachannels/establish on a session with media) would never start.
   */
  #startIfIdle(): void {
    const transport = this.#transport();
    const remotePort = this.#pc.sctpRemotePort;
    if (!transport || remotePort === undefined || transport.sctp.started) return;
    if (this.#pc.connectionState !== 'connected') return; // werift's own connect() starts it
    void transport.start(remotePort).catch(() => undefined);
  }

  /** Starts an idle SCTP transport as soon as an offer/answer including it completes. */
  #startAfterNegotiation(): void {
    if (this.#watchingNegotiation) return;
    this.#watchingNegotiation = true;
    this.#pc.signalingStateChange.subscribe((state) => {
      if (state === 'stable') setImmediate(() => this.#startIfIdle());
    });
  }

  #transport(): RTCSctpTransport | undefined {
    const transport = this.#pc.sctpTransport ?? undefined;
    repairSctp(transport);
    return transport;
  }
}
