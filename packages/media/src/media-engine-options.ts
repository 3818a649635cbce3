/** `native`: Rust owns the media socket, SRTP, routing and RTCP; `werift`: werift does (the reference). */
export type MediaEngineKind = 'native' | 'werift';

export interface MediaEngineOptions {
  /** Which media plane runs the PeerConnections' media (default `native`). */
  readonly engine?: MediaEngineKind;
  /** Engine `native`: the REMB publishers get, bits per second (0 disables it). */
  readonly rembBitrateBps?: number;
  /** Engine `native`: coalesce a subscriber's run of packets into one UDP GSO send where the kernel offers it (default true). */
  readonly udpGso?: boolean;
  /** Addresses put in the SFU's ICE candidates (default: 127.0.0.1). */
  readonly announcedAddresses?: readonly string[];
  /** Address the media sockets bind to (default: 127.0.0.1; 0.0.0.0 for all interfaces). */
  readonly bindAddress?: string;
  /** UDP port range for media sockets; undefined lets the OS choose. */
  readonly portRange?: readonly [number, number];
  /** Minimum interval between keyframe requests relayed to a publisher. */
  readonly keyframeRequestIntervalMs?: number;
  /** Longest wait for ICE gathering before an SDP is returned. */
  readonly gatherTimeoutMs?: number;
  /** A connected peer that sends nothing (no STUN, DTLS, RTP or RTCP) for this long is `disconnected` (see peer-connectivity.ts). */
  readonly disconnectedAfterMs?: number;
}

export interface ResolvedMediaEngineOptions {
  readonly engine: MediaEngineKind;
  readonly rembBitrateBps: number;
  readonly udpGso: boolean;
  readonly announcedAddresses: readonly string[];
  readonly bindAddress: string;
  readonly portRange: [number, number] | undefined;
  readonly keyframeRequestIntervalMs: number;
  readonly gatherTimeoutMs: number;
  readonly disconnectedAfterMs: number;
}

export const DEFAULT_MEDIA_ENGINE_OPTIONS: ResolvedMediaEngineOptions = Object.freeze({
  engine: 'native',
  rembBitrateBps: 10_000_000,
  udpGso: true,
  announcedAddresses: Object.freeze(['127.0.0.1']),
  bindAddress: '127.0.0.1',
  portRange: undefined,
  keyframeRequestIntervalMs: 500,
  gatherTimeoutMs: 3000,
  disconnectedAfterMs: 10_000,
});

export function resolveMediaEngineOptions(options: MediaEngineOptions = {}): ResolvedMediaEngineOptions {
  const d = DEFAULT_MEDIA_ENGINE_OPTIONS;
  const announced = options.announcedAddresses ?? d.announcedAddresses;
  if (announced.length === 0) throw new TypeError('media.announcedAddresses must name at least one address');
  const range = options.portRange;
  if (range && !(range[0] > 0 && range[0] < range[1] && range[1] <= 65535)) {
    throw new TypeError(`media.portRange must be [min, max] with 0 < min < max <= 65535, got [${range.join(', ')}]`);
  }
  const engine = options.engine ?? d.engine;
  if (engine !== 'native' && engine !== 'werift') throw new TypeError(`media.engine must be "native" or "werift", got ${String(engine)}`);
  const rembBitrateBps = options.rembBitrateBps ?? d.rembBitrateBps;
  if (!(Number.isFinite(rembBitrateBps) && rembBitrateBps >= 0)) throw new TypeError(`media.rembBitrateBps must be ≥ 0, got ${rembBitrateBps}`);
  return Object.freeze({
    engine,
    rembBitrateBps,
    udpGso: options.udpGso ?? d.udpGso,
    announcedAddresses: Object.freeze([...announced]),
    bindAddress: options.bindAddress ?? d.bindAddress,
    portRange: range ? ([range[0], range[1]] as [number, number]) : undefined,
    keyframeRequestIntervalMs: options.keyframeRequestIntervalMs ?? d.keyframeRequestIntervalMs,
    gatherTimeoutMs: options.gatherTimeoutMs ?? d.gatherTimeoutMs,
    disconnectedAfterMs: options.disconnectedAfterMs ?? d.disconnectedAfterMs,
  });
}
