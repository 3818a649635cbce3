import type { RTCDtlsTransport, RTCPeerConnection, RTCPeerConnectionConfig, RTCRtpTransceiver } from 'werift';
import type { TrackSource } from '../media-router.js';
import type { NativeIncoming } from '../native-gateway.js';
import type { RouteHandle, TrackHandle } from '../native-router.js';
import type { MediaTransportStrategy } from './media-transport-strategy.js';
import { announcedSsrcsByMid } from './sdp-streams.js';
import type { NativeUdpTransport } from './udp-shim.js';
import { registerNativeTransport, unregisterNativeTransport, type DtlsSrtpKeys, type NativeTransportOwner } from './werift-patches.js';

const SDES_MID = 'urn:ietf:params:rtp-hdrext:sdes:mid';
const SDES_RID = 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id';

/** The werift internals read here (werift 0.25.2; `connection.protocols` is private in its d.ts). */
interface IceConnectionInternals {
  localUsername: string;
  localPassword: string;
  protocols?: { transport?: unknown }[];
  nominated?: { packetsReceived: number };
}

function connectionOf(dtls: RTCDtlsTransport | undefined): IceConnectionInternals | undefined {
  return (dtls?.iceTransport as { connection?: IceConnectionInternals } | undefined)?.connection;
}

/** What the per-peer part needs from the engine. */
export interface NativePeerHost {
  createEndpoint(peer: NativePeerTransport): number;
  closeEndpoint(endpoint: number): void;
  attachShim(endpoint: number, shim: NativeUdpTransport): void;
  /** `pwd`: the local ICE password that goes with `ufrag` (Binding requests are checked with it). */
  bindUfrag(endpoint: number, ufrag: string, pwd: string): void;
  installSrtp(endpoint: number, keys: DtlsSrtpKeys): void;
  mapIncoming(endpoint: number, incoming: NativeIncoming, track: TrackHandle): void;
  setRouteOutput(route: RouteHandle, endpoint: number): void;
  createShim(type: 'udp4' | 'udp6'): NativeUdpTransport;
  peerClosed(peer: NativePeerTransport): void;
}

/**
 * The native engine's side of one PeerConnection. Each werift ICE connection of the PC (one with
 * max-bundle; a second one while a BUNDLE tag moves) is one engine endpoint; its shims (werift's
 * ICE sockets) live on the engine's socket. Publications are mapped to native tracks by MID/RID
 * header extension and by the SSRCs the remote SDP announces; subscriptions send on the endpoint
 * of their transceiver's transport.
 */
export class NativePeerTransport implements MediaTransportStrategy, NativeTransportOwner {
  readonly #host: NativePeerHost;
  readonly #bindAddress: string;
  #interfaceAddresses: object | undefined;
  #pc: RTCPeerConnection | undefined;
  readonly #endpoints = new Map<IceConnectionInternals, number>();
  readonly #ufrags = new Map<number, Set<string>>();
  readonly #shims = new Set<NativeUdpTransport>();
  readonly #tracks = new Map<TrackHandle, TrackSource>();
  readonly #routes = new Map<RouteHandle, { transceiver: RTCRtpTransceiver; endpoint: number }>();
  #closed = false;

  constructor(host: NativePeerHost, bindAddress: string) {
    this.#host = host;
    this.#bindAddress = bindAddress;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Endpoint ids of this PeerConnection (diagnostics, tests). */
  get endpoints(): number[] {
    return [...this.#endpoints.values()];
  }

  // ---- MediaTransportStrategy ---------------------------------------------------------

  configure(config: RTCPeerConnectionConfig): RTCPeerConnectionConfig {
    // A fresh object whose identity marks this PC's sockets and DTLS transports (werift-patches).
    const key = { udp4: this.#bindAddress };
    this.#interfaceAddresses = key;
    registerNativeTransport(key, this);
    return { ...config, iceInterfaceAddresses: key, icePortRange: undefined };
  }

  attach(pc: RTCPeerConnection): void {
    this.#pc = pc;
  }

  afterRemoteDescription(): void {
    if (this.#closed) return;
    for (const [track, source] of this.#tracks) this.#mapTrack(track, source);
    for (const [route, r] of this.#routes) {
      const endpoint = this.endpointForTransceiver(r.transceiver);
      if (endpoint !== undefined && endpoint !== r.endpoint) {
        r.endpoint = endpoint;
        this.#host.setRouteOutput(route, endpoint);
      }
    }
  }

  afterLocalDescription(): void {
    if (this.#closed || !this.#pc) return;
    for (const ice of this.#pc.iceTransports) {
      const connection = (ice as unknown as { connection?: IceConnectionInternals }).connection;
      if (connection) this.#endpointFor(connection);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#interfaceAddresses) unregisterNativeTransport(this.#interfaceAddresses);
    for (const endpoint of this.#endpoints.values()) this.#host.closeEndpoint(endpoint);
    this.#endpoints.clear();
    this.#tracks.clear();
    this.#routes.clear();
    this.#host.peerClosed(this);
  }

  // ---- NativeTransportOwner (werift patches) ------------------------------------------

  createShim(type: 'udp4' | 'udp6'): NativeUdpTransport {
    const shim = this.#host.createShim(type);
    this.#shims.add(shim);
    return shim;
  }

  startSrtp(dtls: RTCDtlsTransport, keys: DtlsSrtpKeys): void {
    const connection = connectionOf(dtls);
    if (!connection || this.#closed) return;
    this.#host.installSrtp(this.#endpointFor(connection), keys);
  }

  // ---- called by the engine -----------------------------------------------------------

  owns(transceiver: RTCRtpTransceiver): boolean {
    return this.#pc?.getTransceivers().includes(transceiver) ?? false;
  }

  ownsShim(shim: NativeUdpTransport): boolean {
    return this.#shims.has(shim);
  }

  forgetShim(shim: NativeUdpTransport): void {
    this.#shims.delete(shim);
  }

  /** The endpoint whose werift ICE connection uses `shim` (found on first send if needed). */
  endpointForShim(shim: NativeUdpTransport): number | undefined {
    if (shim.endpoint !== undefined) return shim.endpoint;
    for (const ice of this.#pc?.iceTransports ?? []) {
      const connection = (ice as unknown as { connection?: IceConnectionInternals }).connection;
      if (connection?.protocols?.some((p) => p.transport === shim)) return this.#endpointFor(connection);
    }
    return undefined;
  }

  endpointForTransceiver(transceiver: RTCRtpTransceiver): number | undefined {
    const connection = connectionOf(transceiver.dtlsTransport);
    return connection && !this.#closed ? this.#endpointFor(connection) : undefined;
  }

  /** `packets` SRTP/SRTCP packets arrived natively on `endpoint`: count them on werift's selected pair. */
  creditMediaActivity(endpoint: number, packets: number): void {
    for (const [connection, id] of this.#endpoints) {
      if (id !== endpoint) continue;
      if (connection.nominated) connection.nominated.packetsReceived += packets;
      return;
    }
  }

  trackCreated(track: TrackHandle, source: TrackSource): void {
    this.#tracks.set(track, source);
    this.#mapTrack(track, source);
  }

  trackClosed(track: TrackHandle): void {
    this.#tracks.delete(track);
  }

  routeCreated(route: RouteHandle, transceiver: RTCRtpTransceiver, endpoint: number): void {
    this.#routes.set(route, { transceiver, endpoint });
  }

  routeClosed(route: RouteHandle): void {
    this.#routes.delete(route);
  }

  #endpointFor(connection: IceConnectionInternals): number {
    let endpoint = this.#endpoints.get(connection);
    if (endpoint === undefined) {
      endpoint = this.#host.createEndpoint(this);
      this.#endpoints.set(connection, endpoint);
      this.#ufrags.set(endpoint, new Set());
    }
    for (const p of connection.protocols ?? []) {
      const shim = p.transport as NativeUdpTransport | undefined;
      if (shim && this.#shims.has(shim) && shim.endpoint !== endpoint) {
        shim.endpoint = endpoint;
        this.#host.attachShim(endpoint, shim);
      }
    }
    // ICE restarts change the local ufrag; werift keeps answering the old one too.
    const ufrags = this.#ufrags.get(endpoint)!;
    if (connection.localUsername && !ufrags.has(connection.localUsername)) {
      ufrags.add(connection.localUsername);
      this.#host.bindUfrag(endpoint, connection.localUsername, connection.localPassword);
    }
    return endpoint;
  }

  #mapTrack(track: TrackHandle, source: TrackSource): void {
    const t = source.transceiver;
    const endpoint = this.endpointForTransceiver(t);
    if (endpoint === undefined || !t.mid) return;
    const ext = (uri: string): number | undefined => t.headerExtensions.find((e) => e.uri === uri)?.id;
    const incoming: NativeIncoming = { mid: t.mid };
    const midExtId = ext(SDES_MID);
    const ridExtId = ext(SDES_RID);
    if (midExtId !== undefined) incoming.midExtId = midExtId;
    if (ridExtId !== undefined) incoming.ridExtId = ridExtId;
    if (source.rid !== undefined) incoming.rid = source.rid;
    this.#host.mapIncoming(endpoint, incoming, track);
    if (source.rid !== undefined) return;
    const sdp = this.#pc?.remoteDescription?.sdp;
    for (const ssrc of (sdp ? announcedSsrcsByMid(sdp).get(t.mid) : undefined) ?? []) {
      this.#host.mapIncoming(endpoint, { ssrc }, track);
    }
  }
}
