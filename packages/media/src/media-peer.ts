import { ProtocolError, SfuError } from '@opencalls/protocol';
import { RTCPeerConnection, type RTCRtpTransceiver, type RTCTrackEvent } from 'werift';
import { bundleGroupInOfferOrder, keepRetiredTagLines, moveBundleTransportIfTagMoves } from './bundle-tag-move.js';
import { sfuCodecs, sfuHeaderExtensions } from './codecs.js';
import type { ResolvedMediaEngineOptions } from './media-engine-options.js';
import type { MediaRouter } from './media-router.js';
import type { Publication } from './publication.js';
import { PublishedTrack } from './published-track.js';
import type { SimulcastLayerMonitor } from './simulcast-layer-monitor.js';
import { SimulcastPublication, simulcastTracks } from './simulcast-publication.js';
import { keepCandidates } from './sdp-candidates.js';
import { answerProblem, fingerprintChangeProblem } from './answer-check.js';
import { SDP_CAPS, sdpProblem } from './sdp-check.js';
import { iceRestartCounts, startRestartedIce } from './ice-restart.js';
import { PeerConnectivity } from './peer-connectivity.js';
import { PeerDataChannels } from './peer-data-channels.js';
import { Subscription, type SubscriptionOptions } from './subscription.js';
import { routeRidsByMid } from './werift-rid-routing.js';
import type { MediaTransportStrategy } from './native-engine/media-transport-strategy.js';

export type PeerConnectionState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

export interface MediaPeerEvents {
  connectionstatechange: (state: PeerConnectionState) => void;
}

/**
 * The one werift RTCPeerConnection of a Calls session, plus the tracks it publishes and the
 * subscriptions it receives. All SDP errors surface as `invalid_session_description`.
 */
export class MediaPeer {
  readonly pc: RTCPeerConnection;
  readonly #router: MediaRouter;
  readonly #options: ResolvedMediaEngineOptions;
  readonly #published = new Map<RTCRtpTransceiver, Publication>();
  readonly #subscriptions = new Map<RTCRtpTransceiver, Subscription>();
  readonly #listeners = new Set<MediaPeerEvents['connectionstatechange']>();
  /** The engine's per-PeerConnection transport hooks (no-ops on engine werift). */
  readonly #transport: MediaTransportStrategy;
  /** The state the session sees: werift's, plus silence → `disconnected` and ICE restarts. */
  readonly #connectivity: PeerConnectivity;
  /** Restart counts before an SFU offer with `iceRestart`, until its answer arrives. */
  #restartBaseline: ReturnType<typeof iceRestartCounts> | undefined;
  #dataChannels: PeerDataChannels | undefined;
  #closed = false;

  readonly #layerMonitor: SimulcastLayerMonitor | undefined;

  /** `layerMonitor` is needed to receive simulcast; without it every push is one track. */
  constructor(router: MediaRouter, options: ResolvedMediaEngineOptions, layerMonitor?: SimulcastLayerMonitor) {
    this.#router = router;
    this.#options = options;
    this.#layerMonitor = layerMonitor;
    this.#transport = router.peerStrategy();
    this.pc = new RTCPeerConnection(this.#transport.configure({
      iceServers: [],
      bundlePolicy: 'max-bundle',
      codecs: sfuCodecs(),
      headerExtensions: sfuHeaderExtensions({ transportWideCc: options.engine === 'native' }),
      iceUseIpv4: false,
      iceUseIpv6: false,
      iceAdditionalHostAddresses: [...options.announcedAddresses],
      iceInterfaceAddresses: { udp4: options.bindAddress },
      icePortRange: options.portRange,
    }));
    this.#transport.attach(this.pc);
    routeRidsByMid(this.pc);
    keepRetiredTagLines(this.pc);
    this.pc.ontrack = (event: RTCTrackEvent): void => this.#onTrack(event);
    this.#connectivity = new PeerConnectivity(this.pc, { disconnectedAfterMs: options.disconnectedAfterMs });
    this.#connectivity.onChange((state) => {
      for (const fn of this.#listeners) fn(state);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  get connectionState(): PeerConnectionState {
    return this.#connectivity.state;
  }

  /** The SCTP transport and negotiated DataChannels of this PeerConnection (peer-data-channels.ts). */
  get dataChannels(): PeerDataChannels {
    this.#dataChannels ??= new PeerDataChannels(this.pc);
    return this.#dataChannels;
  }

  onConnectionStateChange(fn: MediaPeerEvents['connectionstatechange']): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /**
   * Applies a client offer and returns the SFU's answer (with the SFU's candidates). The SFU
   * answers `recvonly` to what the client sends, except on `sendrecvMids` (bidirectional pushes),
   * where it answers `sendrecv` so a remote track can later be sent back on the same mid, and on
   * `sendonlyMids` (pulls placed on the client's receiving sections), where it answers `sendonly`.
   */
  async applyOffer(
    sdp: string,
    options: { sendrecvMids?: readonly string[]; sendonlyMids?: readonly string[] } = {},
  ): Promise<string> {
    if (this.pc.signalingState === 'have-local-offer') {
      // Glare: the client offers while our offer still waits for its answer.
      throw new SfuError(
        'negotiation_conflict',
        'An SFU offer is still waiting for its answer: send the answer with PUT renegotiate before a new offer',
      );
    }
    const restarts = iceRestartCounts(this.pc);
    await this.#sdpStep(
      'offer',
      () => {
        const move = moveBundleTransportIfTagMoves(this.pc, sdp, (moved) => {
          for (const t of moved) this.#subscriptions.get(t)?.publisher.requestKeyframe({ force: true });
        });
        return this.pc.setRemoteDescription({ type: 'offer', sdp }).finally(() => move?.release());
      },
      sdp,
    );
    this.#transport.afterRemoteDescription();
    const directions = [
      ['sendrecv', options.sendrecvMids ?? []],
      ['sendonly', options.sendonlyMids ?? []],
    ] as const;
    for (const [direction, mids] of directions) {
      for (const mid of mids) {
        const t = this.transceiverByMid(mid);
        if (t && !t.stopping && !t.stopped) t.setDirection(direction);
      }
    }
    await this.#sdpStep('offer', async () => {
      await this.pc.setLocalDescription(await this.pc.createAnswer());
    });
    // A client offer with new ice-ufrag/ice-pwd restarted ICE: run the checks werift skips.
    startRestartedIce(this.pc, restarts);
    return bundleGroupInOfferOrder(await this.#localSdp(), sdp);
  }

  /** Creates an SFU offer covering every transceiver (new ones included). */
  async createOffer(options: { iceRestart?: boolean } = {}): Promise<string> {
    if (options.iceRestart) this.#restartBaseline ??= iceRestartCounts(this.pc);
    await this.#sdpStep('offer', async () => {
      const offer = await this.pc.createOffer(options);
      await this.pc.setLocalDescription(offer);
    });
    return this.#localSdp();
  }

  /** Applies the client's answer to the last SFU offer. */
  async applyAnswer(sdp: string): Promise<void> {
    if (this.pc.signalingState !== 'have-local-offer') {
      throw new ProtocolError(
        'invalid_session_description',
        `Unexpected answer: there is no pending SFU offer (signaling state ${this.pc.signalingState})`,
      );
    }
    await this.#sdpStep('answer', () => this.pc.setRemoteDescription({ type: 'answer', sdp }), sdp);
    this.#transport.afterRemoteDescription();
    const baseline = this.#restartBaseline;
    this.#restartBaseline = undefined;
    if (baseline) startRestartedIce(this.pc, baseline);
  }

  get signalingState(): string {
    return this.pc.signalingState;
  }

  /**
   * Room for one more m= section in this session's SDP. A client SDP may have at most
   * `SDP_CAPS.mediaSections`, so the SFU never offers more: the answer would be refused.
   */
  get hasRoomForMediaSection(): boolean {
    return this.pc.getTransceivers().length + (this.pc.sctpTransport ? 1 : 0) < SDP_CAPS.mediaSections;
  }

  addSendTransceiver(kind: 'audio' | 'video', direction: 'sendonly' | 'sendrecv' = 'sendonly'): RTCRtpTransceiver {
    return this.pc.addTransceiver(kind, { direction });
  }

  addRecvTransceiver(kind: 'audio' | 'video', direction: 'recvonly' | 'sendrecv' = 'recvonly'): RTCRtpTransceiver {
    return this.pc.addTransceiver(kind, { direction });
  }

  transceiverByMid(mid: string): RTCRtpTransceiver | undefined {
    return this.pc.getTransceivers().find((t) => t.mid === mid);
  }

  /** Media sections of the current descriptions, in order, with their mids. */
  transceivers(): readonly RTCRtpTransceiver[] {
    return this.pc.getTransceivers();
  }

  publishedByMid(mid: string): Publication | undefined {
    const t = this.transceiverByMid(mid);
    return t ? this.#published.get(t) : undefined;
  }

  publishedTracks(): readonly Publication[] {
    return [...this.#published.values()];
  }

  subscriptionByMid(mid: string): Subscription | undefined {
    const t = this.transceiverByMid(mid);
    return t ? this.#subscriptions.get(t) : undefined;
  }

  /**
   * Starts forwarding `publisher` into `transceiver` (which must be negotiated for sending); a
   * transceiver that already forwards switches source. `options.simulcast` picks the layer.
   */
  subscribe(transceiver: RTCRtpTransceiver, publisher: Publication, options: SubscriptionOptions = {}): Subscription {
    const existing = this.#subscriptions.get(transceiver);
    if (existing && !existing.closed) {
      existing.switchSource(publisher, options);
      return existing;
    }
    const sub = new Subscription(this.#router, publisher, transceiver, options);
    this.#subscriptions.set(transceiver, sub);
    sub.onclose = () => {
      if (this.#subscriptions.get(transceiver) === sub) this.#subscriptions.delete(transceiver);
    };
    return sub;
  }

  /** Ends what flows through a transceiver: its publication and/or its subscription. */
  closeMid(mid: string): { published: boolean; subscribed: boolean } {
    const t = this.transceiverByMid(mid);
    if (!t) return { published: false, subscribed: false };
    const pub = this.#published.get(t);
    const sub = this.#subscriptions.get(t);
    pub?.close();
    sub?.close();
    this.#published.delete(t);
    return { published: pub !== undefined, subscribed: sub !== undefined };
  }

  /** Closes the PeerConnection, its publications and subscriptions. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const sub of this.#subscriptions.values()) sub.close();
    for (const pub of this.#published.values()) pub.close();
    this.#subscriptions.clear();
    this.#published.clear();
    this.#listeners.clear();
    this.#connectivity.close();
    await this.pc.close().catch(() => undefined);
    this.#transport.close();
  }

  #onTrack(event: RTCTrackEvent): void {
    if (this.#closed || this.#published.has(event.transceiver)) return;
    const options = { keyframeRequestIntervalMs: this.#options.keyframeRequestIntervalMs };
    // werift fires one track event per transceiver; with `a=simulcast` it holds one track per RID.
    const monitor = this.#layerMonitor;
    const pub =
      monitor && event.transceiver.kind === 'video' && simulcastTracks(event.transceiver).length > 0
        ? new SimulcastPublication(this.#router, monitor, event.transceiver, options)
        : new PublishedTrack(this.#router, event.transceiver, event.track, options);
    this.#published.set(event.transceiver, pub);
  }

  async #localSdp(): Promise<string> {
    if (this.pc.iceGatheringState !== 'complete') {
      await this.pc.iceGatheringStateChange.watch((s) => s === 'complete', this.#options.gatherTimeoutMs).catch(() => undefined);
    }
    this.#transport.afterLocalDescription();
    const sdp = keepCandidates(this.pc.localDescription?.sdp ?? '', this.#options.announcedAddresses);
    if (/^m=\S+ [1-9]/m.test(sdp) && !sdp.includes('a=candidate:')) {
      // werift could not open a media socket (port range used up, say): the client could never connect.
      throw new SfuError('transport_unavailable_error', 'No media port is available on the SFU for this session; try again later');
    }
    return sdp;
  }

  /** What werift lets through: an answer that does not mirror our offer, a changed certificate. */
  #continuityProblem(what: 'offer' | 'answer', remoteSdp: string): string | undefined {
    if (what === 'answer') {
      const problem = answerProblem(remoteSdp, this.pc.localDescription?.sdp ?? '');
      if (problem) return problem;
    }
    // Once a DTLS handshake started (and after it ended, say closed by an alert), the client's
    // certificate is fixed for the life of the session.
    const started = this.pc.dtlsTransports.some((t) => t.state !== 'new');
    return started ? fingerprintChangeProblem(remoteSdp, this.pc.remoteDescription?.sdp) : undefined;
  }

  /** After a failed step, return to `stable` so the session stays usable. */
  async #rollback(): Promise<void> {
    const state = this.pc.signalingState;
    if (state !== 'have-remote-offer' && state !== 'have-local-offer') return;
    await this.pc.setLocalDescription({ type: 'rollback', sdp: '' } as never).catch(() => undefined);
  }

  async #sdpStep<T>(what: 'offer' | 'answer', fn: () => Promise<T>, remoteSdp?: string): Promise<T> {
    const problem = remoteSdp === undefined ? undefined : (sdpProblem(remoteSdp) ?? this.#continuityProblem(what, remoteSdp));
    if (problem) throw new ProtocolError('invalid_session_description', `Could not apply the ${what}: ${problem}`);
    try {
      return await fn();
    } catch (error) {
      await this.#rollback();
      if (error instanceof ProtocolError) throw error;
      throw new ProtocolError('invalid_session_description', `Could not apply the ${what}: ${failureDetail(error)}`, { cause: error });
    }
  }
}

/**
 * What a client is told about a werift failure. werift's own errors name the problem; a
 * TypeError or RangeError is werift tripping over input it did not expect, and its text
 * ("Cannot set properties of undefined") would describe werift, not the SDP.
 */
function failureDetail(error: unknown): string {
  if (error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError || !(error instanceof Error)) {
    return 'its contents are inconsistent (check the a=rtpmap, a=fmtp, a=rtcp-fb and a=extmap lines against their payload types and ids)';
  }
  return error.message.length > 200 ? `${error.message.slice(0, 200)}…` : error.message;
}
