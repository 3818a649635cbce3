export { MediaEngine } from './media-engine.js';
export {
  DEFAULT_MEDIA_ENGINE_OPTIONS,
  resolveMediaEngineOptions,
  type MediaEngineOptions,
  type ResolvedMediaEngineOptions,
} from './media-engine-options.js';
export { MediaPeer, type PeerConnectionState } from './media-peer.js';
export { PublishedTrack } from './published-track.js';
export { Subscription } from './subscription.js';
export { NativeRouter, type RouteHandle, type TrackHandle, type TrackStats, type RouteStats } from './native-router.js';
export { mediaSections, keepCandidates, type SdpMediaSection } from './sdp-candidates.js';
export { EXPECTED_NATIVE_ABI } from './native-gateway.js';
