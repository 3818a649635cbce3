import { InvalidStateError } from '@opencalls/protocol';
import type { RTCRtpTransceiver } from 'werift';
import type { MediaRouter, TrackSource } from '../media-router.js';
import {
  callNative,
  createNativeMediaEngine,
  type NativeIncoming,
  type NativeMediaEngineBinding,
  type NativeRouteOptions,
  type NativeTrackOptions,
} from '../native-gateway.js';
import type { RouteHandle, RouteStats, TrackHandle, TrackStats } from '../native-router.js';
import { ControlPump } from './control-pump.js';
import { decodeCounters, type EngineCounters } from './engine-counters.js';
import { NativePeerTransport, type NativePeerHost } from './native-peer-transport.js';
import { NativeUdpTransport, type ShimHost } from './udp-shim.js';
import type { DtlsSrtpKeys } from './werift-patches.js';

export interface NativeMediaEngineOptions {
  /** Address the media socket binds to. */
  readonly bindAddress: string;
  /** 0 (default) lets the OS choose; ignored with `portRange`. */
  readonly port?: number | undefined;
  readonly portRange?: readonly [number, number] | undefined;
  /** REMB sent to publishers, bits per second (0 disables it). */
  readonly rembBitrateBps?: number | undefined;
  /** Minimum time between keyframe requests to one track. */
  readonly keyframeIntervalMs?: number | undefined;
  /** Coalesce same-destination sends with UDP GSO where the kernel offers it (default true). */
  readonly udpGso?: boolean | undefined;
}

/**
 * Engine `native`: the Rust media engine (one UDP socket for every PeerConnection; SRTP, routing,
 * rewriting and RTCP on its receive thread) behind the `MediaRouter` interface. werift still runs
 * SDP, ICE, DTLS and SCTP: its ICE sockets are shims on the engine's socket (`udp-shim.ts`), and
 * STUN/DTLS datagrams come back through the control pump in batches. Media never reaches JS.
 */
export class NativeMediaEngine implements MediaRouter, NativePeerHost, ShimHost {
  readonly engine = 'native' as const;
  readonly localAddress: string;
  readonly localPort: number;
  readonly #binding: NativeMediaEngineBinding;
  readonly #options: NativeMediaEngineOptions;
  readonly #pump: ControlPump;
  readonly #peers = new Set<NativePeerTransport>();
  /** Endpoint → its peer and the shims (werift ICE sockets) on it. */
  readonly #endpoints = new Map<number, { peer: NativePeerTransport; shims: Set<NativeUdpTransport> }>();
  readonly #trackPeers = new Map<TrackHandle, NativePeerTransport>();
  readonly #routePeers = new Map<RouteHandle, NativePeerTransport>();
  readonly #stats = new Float64Array(5);
  readonly #counterNames: readonly string[];
  readonly #counters: Float64Array;
  #activityIds = new Uint32Array(64);
  #activityCounts = new Float64Array(64);
  readonly #mediaReceived = new Map<number, number>();
  #closed = false;

  constructor(options: NativeMediaEngineOptions) {
    this.#options = options;
    this.#pump = new ControlPump((endpoint) => this.#endpoints.get(endpoint)?.shims);
    const range = options.portRange;
    this.#binding = createNativeMediaEngine(
      {
        bindAddress: options.bindAddress,
        port: options.port ?? 0,
        ...(range ? { portRange: [range[0], range[1]] } : {}),
        ...(options.rembBitrateBps !== undefined ? { rembBitrateBps: options.rembBitrateBps } : {}),
        ...(options.keyframeIntervalMs !== undefined ? { keyframeIntervalMs: options.keyframeIntervalMs } : {}),
        ...(options.udpGso !== undefined ? { udpGso: options.udpGso } : {}),
      },
      () => this.#pump.drain(this.#binding),
    );
    this.#pump.start(this.#binding, () => this.#creditMediaActivity());
    this.localAddress = this.#binding.localAddress;
    this.localPort = this.#binding.localPort;
    this.#counterNames = this.#binding.counterNames();
    this.#counters = new Float64Array(this.#counterNames.length);
  }

  get closed(): boolean {
    return this.#closed;
  }

  // ---- MediaRouter ----------------------------------------------------------------------

  nowMs(): number {
    return this.#closed ? 0 : this.#binding.nowMs();
  }

  createTrack(options: NativeTrackOptions, source?: TrackSource): TrackHandle {
    this.#assertOpen('createTrack');
    const track = callNative(() => this.#binding.createTrack(options)) as TrackHandle;
    const peer = source ? this.#peerOf(source.transceiver) : undefined;
    if (peer && source) {
      this.#trackPeers.set(track, peer);
      peer.trackCreated(track, source);
    }
    return track;
  }

  closeTrack(track: TrackHandle): void {
    if (this.#closed) return;
    callNative(() => this.#binding.closeTrack(track));
    this.#trackPeers.get(track)?.trackClosed(track);
    this.#trackPeers.delete(track);
  }

  createRoute(track: TrackHandle, options: NativeRouteOptions, output?: RTCRtpTransceiver): RouteHandle {
    this.#assertOpen('createRoute');
    const peer = output ? this.#peerOf(output) : undefined;
    const endpoint = output && peer ? peer.endpointForTransceiver(output) : undefined;
    if (!output || !peer || endpoint === undefined) {
      throw new InvalidStateError('createRoute(): the native engine needs the subscriber transceiver of one of its PeerConnections');
    }
    const route = callNative(() => this.#binding.createRoute(track, options, endpoint)) as RouteHandle;
    this.#routePeers.set(route, peer);
    peer.routeCreated(route, output, endpoint);
    return route;
  }

  switchRouteSource(route: RouteHandle, track: TrackHandle): void {
    this.#assertOpen('switchRouteSource');
    callNative(() => this.#binding.switchRouteSource(route, track));
  }

  closeRoute(route: RouteHandle): void {
    if (this.#closed) return;
    callNative(() => this.#binding.closeRoute(route));
    this.#routePeers.get(route)?.routeClosed(route);
    this.#routePeers.delete(route);
  }

  /** Never called: packets do not reach JS on this engine. */
  ingest(): number {
    return 0;
  }

  readActivity(handles: Uint32Array, lastPacketAtMs: Float64Array): number {
    if (this.#closed) return 0;
    return this.#binding.readActivity(handles, lastPacketAtMs);
  }

  trackStats(track: TrackHandle): TrackStats {
    this.#assertOpen('trackStats');
    callNative(() => this.#binding.readTrackStats(track, this.#stats));
    const s = this.#stats;
    return { packets: s[0]!, bytes: s[1]!, malformedDropped: s[2]!, lastPacketAtMs: s[3]! };
  }

  routeStats(route: RouteHandle): RouteStats {
    this.#assertOpen('routeStats');
    callNative(() => this.#binding.readRouteStats(route, this.#stats));
    const s = this.#stats;
    return { packetsForwarded: s[0]!, bytesForwarded: s[1]!, droppedWaitingKeyframe: s[2]! };
  }

  readonly requestKeyframe = (track: TrackHandle): boolean => {
    if (this.#closed) return false;
    return callNative(() => this.#binding.requestKeyframe(track));
  };

  peerStrategy(): NativePeerTransport {
    this.#assertOpen('peerStrategy');
    const peer = new NativePeerTransport(this, this.#options.bindAddress);
    this.#peers.add(peer);
    return peer;
  }

  /** What the engine did with every datagram, and what the JS side delivered to werift. */
  counters(): EngineCounters {
    if (!this.#closed) this.#binding.readCounters(this.#counters);
    return decodeCounters(this.#counterNames, this.#counters, this.#pump.delivered);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pump.stop();
    for (const peer of [...this.#peers]) peer.close();
    this.#binding.readCounters(this.#counters);
    this.#binding.close();
  }

  // ---- NativePeerHost / ShimHost ----------------------------------------------------------

  createEndpoint(peer: NativePeerTransport): number {
    this.#assertOpen('createEndpoint');
    const endpoint = callNative(() => this.#binding.createEndpoint());
    this.#endpoints.set(endpoint, { peer, shims: new Set() });
    return endpoint;
  }

  closeEndpoint(endpoint: number): void {
    this.#endpoints.delete(endpoint);
    this.#mediaReceived.delete(endpoint);
    if (!this.#closed) callNative(() => this.#binding.closeEndpoint(endpoint));
  }

  attachShim(endpoint: number, shim: NativeUdpTransport): void {
    for (const e of this.#endpoints.values()) e.shims.delete(shim);
    this.#endpoints.get(endpoint)?.shims.add(shim);
  }

  bindUfrag(endpoint: number, ufrag: string, pwd: string): void {
    if (!this.#closed) callNative(() => this.#binding.bindUfrag(endpoint, ufrag, pwd));
  }

  installSrtp(endpoint: number, keys: DtlsSrtpKeys): void {
    if (this.#closed) return;
    callNative(() =>
      this.#binding.installSrtp(endpoint, keys.profile, keys.localKey, keys.localSalt, keys.remoteKey, keys.remoteSalt),
    );
  }

  mapIncoming(endpoint: number, incoming: NativeIncoming, track: TrackHandle): void {
    if (!this.#closed) callNative(() => this.#binding.mapIncoming(endpoint, incoming, track));
  }

  setRouteOutput(route: RouteHandle, endpoint: number): void {
    if (!this.#closed) callNative(() => this.#binding.setRouteOutput(route, endpoint));
  }

  createShim(type: 'udp4' | 'udp6'): NativeUdpTransport {
    this.#assertOpen('createShim');
    const v6 = this.localAddress.includes(':');
    if ((type === 'udp6') !== v6) throw new Error(`native media engine: its socket is ${v6 ? 'IPv6' : 'IPv4'}, not ${type}`);
    return new NativeUdpTransport(this, type);
  }

  peerClosed(peer: NativePeerTransport): void {
    this.#peers.delete(peer);
    for (const [track, p] of this.#trackPeers) if (p === peer) this.#trackPeers.delete(track);
    for (const [route, p] of this.#routePeers) if (p === peer) this.#routePeers.delete(route);
  }

  sendFrom(shim: NativeUdpTransport, data: Uint8Array, host: string, port: number): void {
    if (this.#closed) return;
    let endpoint = shim.endpoint;
    if (endpoint === undefined) {
      for (const peer of this.#peers) {
        if (!peer.ownsShim(shim)) continue;
        endpoint = peer.endpointForShim(shim);
        break;
      }
    }
    if (endpoint === undefined) return; // not attached to an ICE connection yet: nothing to say
    callNative(() => this.#binding.send(endpoint, data, host, port));
  }

  shimClosed(shim: NativeUdpTransport): void {
    for (const e of this.#endpoints.values()) e.shims.delete(shim);
    for (const peer of this.#peers) peer.forgetShim(shim);
  }

  /**
   * werift never sees media on this engine, so its ICE pairs would look silent between consent
   * checks; every endpoint's natively received SRTP/SRTCP is credited to its selected pair
   * (what `peer-connectivity.ts` and werift's stats read). One native call for all endpoints.
   */
  #creditMediaActivity(): void {
    if (this.#closed || this.#endpoints.size === 0) return;
    if (this.#activityIds.length < this.#endpoints.size) {
      this.#activityIds = new Uint32Array(this.#endpoints.size * 2);
      this.#activityCounts = new Float64Array(this.#endpoints.size * 2);
    }
    const rows = this.#binding.readEndpointActivity(this.#activityIds, this.#activityCounts);
    for (let i = 0; i < rows; i++) {
      const endpoint = this.#activityIds[i]!;
      const count = this.#activityCounts[i]!;
      const before = this.#mediaReceived.get(endpoint) ?? 0;
      if (count <= before) continue;
      this.#mediaReceived.set(endpoint, count);
      this.#endpoints.get(endpoint)?.peer.creditMediaActivity(endpoint, count - before);
    }
  }

  #peerOf(transceiver: RTCRtpTransceiver): NativePeerTransport | undefined {
    for (const peer of this.#peers) if (peer.owns(transceiver)) return peer;
    return undefined;
  }

  #assertOpen(op: string): void {
    if (this.#closed) throw new InvalidStateError(`${op}(): native media engine is closed`);
  }
}
