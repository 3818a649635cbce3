import type { TrackSimulcast } from '@opencalls/protocol';
import type { RTCRtpTransceiver } from 'werift';
import { toForwardedExtensions, toNativeCodecs } from './codecs.js';
import type { MediaRouter } from './media-router.js';
import type { RouteHandle, RouteStats, TrackHandle } from './native-router.js';
import type { Publication } from './publication.js';
import { chooseSimulcastLayer, resolveSimulcastPreference, type SimulcastPreference } from './simulcast-layer-choice.js';
import { SimulcastPublication } from './simulcast-publication.js';

export interface SubscriptionOptions {
  /** The subscriber's `simulcast` wishes; ignored when the publication is not simulcast. */
  readonly simulcast?: TrackSimulcast | undefined;
}

export interface SubscriptionEvents {
  close: () => void;
}

/**
 * One subscriber output: a native route from a published track to a werift sender. The route
 * rewrites SSRC, payload type, sequence numbers, timestamps and extension ids; this class only
 * hands the rewritten bytes to werift's sender (which encrypts, caches for NACK and sends SR).
 */
export class Subscription {
  readonly route: RouteHandle;
  readonly transceiver: RTCRtpTransceiver;
  #publisher: Publication;
  readonly #router: MediaRouter;
  readonly #unsubscribePli: () => void;
  #onClose: (() => void) | undefined;
  #closed = false;
  #simulcast: TrackSimulcast | undefined;
  #preference: SimulcastPreference;
  /** The simulcast layer this route reads (or is switching to); undefined when not simulcast. */
  #layer: string | undefined;
  /**
   * Publications whose sink may still hand us packets (engine werift): after a switch the old
   * source keeps flowing natively until the new one's keyframe, so it stays attached until the
   * first packet of the new source arrives (else its last packets would be dropped after native
   * counted them). An attached publication that closes closes this subscription too.
   */
  readonly #attached = new Set<Publication>();

  constructor(router: MediaRouter, publisher: Publication, transceiver: RTCRtpTransceiver, options: SubscriptionOptions = {}) {
    this.#router = router;
    this.#publisher = publisher;
    this.#simulcast = options.simulcast;
    this.#preference = resolveSimulcastPreference(options.simulcast);
    this.transceiver = transceiver;
    const sender = transceiver.sender;
    // On a transceiver that already sent (a reused one) werift continues its seq/ts; else a no-op.
    sender.replaceRTP({ sequenceNumber: 0, timestamp: 0 });
    this.route = router.createRoute(this.#chooseSource(), {
      ssrc: sender.ssrc,
      codecs: toNativeCodecs(transceiver.codecs),
      extensions: toForwardedExtensions(transceiver.headerExtensions),
    }, transceiver);
    publisher.attach(this.route, this);
    this.#attached.add(publisher);
    const { unSubscribe } = sender.onPictureLossIndication.subscribe(() => {
      this.#requestKeyframe(false);
    });
    this.#unsubscribePli = unSubscribe;
    this.#requestKeyframe(true);
  }

  get publisher(): Publication {
    return this.#publisher;
  }

  /** The simulcast layer (RID) this subscriber receives or is switching to. */
  get simulcastLayer(): string | undefined {
    return this.#layer;
  }

  /** The subscriber's `simulcast` object as last given (echoed in responses). */
  get simulcast(): TrackSimulcast | undefined {
    return this.#simulcast;
  }

  get closed(): boolean {
    return this.#closed;
  }

  set onclose(fn: (() => void) | undefined) {
    this.#onClose = fn;
  }

  stats(): RouteStats {
    return this.#router.routeStats(this.route);
  }

  /** Makes this output carry another published track; the stream stays continuous. */
  switchSource(publisher: Publication, options: SubscriptionOptions = {}): void {
    if (this.#closed) return;
    if (options.simulcast !== undefined) {
      this.#simulcast = options.simulcast;
      this.#preference = resolveSimulcastPreference(options.simulcast);
    }
    if (publisher === this.#publisher) {
      this.reselectLayer();
      return;
    }
    this.#publisher = publisher;
    this.#layer = undefined;
    this.#router.switchRouteSource(this.route, this.#chooseSource());
    publisher.attach(this.route, this);
    this.#attached.add(publisher);
    // Engine native forwards without JS sinks: no copy to lose, and none would end the switch.
    if (this.#router.engine === 'native') this.#detachOthers();
    this.#requestKeyframe(true);
  }

  /**
   * New simulcast wishes (`tracks/update`): the route moves to the layer they choose; it keeps
   * seq/ts continuous and completes at that layer's next keyframe, which is requested at once.
   */
  setSimulcast(simulcast: TrackSimulcast): void {
    if (this.#closed) return;
    this.#simulcast = simulcast;
    this.#preference = resolveSimulcastPreference(simulcast);
    this.reselectLayer({ refresh: true });
  }

  /** Re-chooses the simulcast layer (its publication calls this when layers come or go). */
  reselectLayer(options: { refresh?: boolean } = {}): void {
    const pub = this.#publisher;
    if (this.#closed || !(pub instanceof SimulcastPublication)) return;
    const rid = chooseSimulcastLayer(this.#preference, pub.layerStates(options), this.#layer);
    if (rid === this.#layer) return;
    this.#layer = rid;
    this.#router.switchRouteSource(this.route, pub.sourceHandle(rid));
    this.#requestKeyframe(true);
  }

  /**
   * @internal Called by the publication `from` for each rewritten copy (the view is reused
   * afterwards). The first copy from the current publication ends a switch between publications.
   */
  send(packet: Uint8Array, from?: Publication): void {
    if (this.#closed) return;
    if (from === this.#publisher && this.#attached.size > 1) this.#detachOthers();
    this.transceiver.sender.sendRtp(Buffer.from(packet)).catch(() => undefined);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribePli();
    for (const pub of this.#attached) pub.detach(this.route);
    this.#attached.clear();
    this.#router.closeRoute(this.route);
    const fn = this.#onClose;
    this.#onClose = undefined;
    fn?.();
  }

  /** The native track the route reads: the publication's, or the chosen simulcast layer's. */
  #chooseSource(): TrackHandle {
    const pub = this.#publisher;
    if (!(pub instanceof SimulcastPublication)) return pub.handle;
    this.#layer = chooseSimulcastLayer(this.#preference, pub.layerStates({ refresh: true }), this.#layer);
    return pub.sourceHandle(this.#layer);
  }

  #detachOthers(): void {
    for (const pub of this.#attached) {
      if (pub === this.#publisher) continue;
      pub.detach(this.route);
      this.#attached.delete(pub);
    }
  }

  #requestKeyframe(force: boolean): void {
    const pub = this.#publisher;
    if (pub instanceof SimulcastPublication) pub.requestKeyframe({ rid: this.#layer, force });
    else pub.requestKeyframe({ force });
  }
}
