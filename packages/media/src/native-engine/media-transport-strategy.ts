import type { RTCPeerConnection, RTCPeerConnectionConfig } from 'werift';

/**
 * The per-PeerConnection part of a media engine, called by `MediaPeer` at four points. Engine
 * `werift` needs none of them (`WERIFT_TRANSPORT`); engine `native` uses them to run werift's ICE
 * over the engine's socket, find each transport's endpoint, map publications to native tracks and
 * bind ICE ufrags.
 */
export interface MediaTransportStrategy {
  /** Adjusts the config of the PeerConnection about to be created (returns it). */
  configure(config: RTCPeerConnectionConfig): RTCPeerConnectionConfig;
  /** The PeerConnection was created with that config. */
  attach(pc: RTCPeerConnection): void;
  /** After every applied remote description (publications may have new SSRCs or transports). */
  afterRemoteDescription(): void;
  /** After every local description once ICE gathering finished (new ufrag on ICE restart). */
  afterLocalDescription(): void;
  /** The PeerConnection is closing. Idempotent. */
  close(): void;
}

/** Engine `werift`: werift's own sockets and SRTP; nothing to do. */
export const WERIFT_TRANSPORT: MediaTransportStrategy = Object.freeze({
  configure: (config: RTCPeerConnectionConfig) => config,
  attach: () => undefined,
  afterRemoteDescription: () => undefined,
  afterLocalDescription: () => undefined,
  close: () => undefined,
});
