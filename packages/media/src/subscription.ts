import type { RTCRtpTransceiver } from 'werift';
import { toForwardedExtensions, toNativeCodecs } from './codecs.js';
import type { NativeRouter, RouteHandle, RouteStats } from './native-router.js';
import type { PublishedTrack } from './published-track.js';

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
  #publisher: PublishedTrack;
  readonly #router: NativeRouter;
  readonly #unsubscribePli: () => void;
  #onClose: (() => void) | undefined;
  #closed = false;

  constructor(router: NativeRouter, publisher: PublishedTrack, transceiver: RTCRtpTransceiver) {
    this.#router = router;
    this.#publisher = publisher;
    this.transceiver = transceiver;
    const sender = transceiver.sender;
    this.route = router.createRoute(publisher.handle, {
      ssrc: sender.ssrc,
      codecs: toNativeCodecs(transceiver.codecs),
      extensions: toForwardedExtensions(transceiver.headerExtensions),
    });
    publisher.attach(this.route, this);
    const { unSubscribe } = sender.onPictureLossIndication.subscribe(() => {
      this.#publisher.requestKeyframe();
    });
    this.#unsubscribePli = unSubscribe;
    publisher.requestKeyframe({ force: true });
  }

  get publisher(): PublishedTrack {
    return this.#publisher;
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
  switchSource(publisher: PublishedTrack): void {
    if (this.#closed || publisher === this.#publisher) return;
    this.#publisher.detach(this.route);
    this.#router.switchRouteSource(this.route, publisher.handle);
    this.#publisher = publisher;
    publisher.attach(this.route, this);
    publisher.requestKeyframe({ force: true });
  }

  /** @internal Called by PublishedTrack for each rewritten copy (the view is reused afterwards). */
  send(packet: Uint8Array): void {
    if (this.#closed) return;
    this.transceiver.sender.sendRtp(Buffer.from(packet)).catch(() => undefined);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribePli();
    this.#publisher.detach(this.route);
    this.#router.closeRoute(this.route);
    const fn = this.#onClose;
    this.#onClose = undefined;
    fn?.();
  }
}
