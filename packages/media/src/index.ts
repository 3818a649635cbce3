export { MediaEngine } from './media-engine.js';
export {
  DEFAULT_MEDIA_ENGINE_OPTIONS,
  resolveMediaEngineOptions,
  type MediaEngineKind,
  type MediaEngineOptions,
  type ResolvedMediaEngineOptions,
} from './media-engine-options.js';
export { MediaPeer, type PeerConnectionState } from './media-peer.js';
export { PublishedTrack } from './published-track.js';
export { Subscription, type SubscriptionOptions } from './subscription.js';
export type { Publication } from './publication.js';
export { SimulcastPublication, type SimulcastLayer } from './simulcast-publication.js';
export {
  SimulcastLayerMonitor,
  DEFAULT_SIMULCAST_LAYER_MONITOR_OPTIONS,
  type SimulcastLayerMonitorOptions,
} from './simulcast-layer-monitor.js';
export {
  chooseSimulcastLayer,
  resolveSimulcastPreference,
  NO_SIMULCAST_PREFERENCE,
  type SimulcastFallback,
  type SimulcastLayerState,
  type SimulcastPreference,
} from './simulcast-layer-choice.js';
export { NativeRouter, type RouteHandle, type TrackHandle, type TrackStats, type RouteStats } from './native-router.js';
export { mediaSections, keepCandidates, type SdpMediaSection } from './sdp-candidates.js';
export { EXPECTED_NATIVE_ABI } from './native-gateway.js';
export { PeerDataChannels, type NegotiatedChannelOptions, type SctpTransportState } from './peer-data-channels.js';
export {
  DataChannelRelay,
  DEFAULT_MAX_BUFFERED_BYTES,
  SUBSCRIBER_FINISH_MS,
  type DataChannelRelayOptions,
  type DataChannelRelayStats,
  type RelayEndReason,
  type SubscribeOptions,
} from './data-channel-relay.js';
export {
  DataChannelSubscriber,
  type DataChannelMessage,
  type DataChannelSubscriberStats,
  type SubscriberEndReason,
} from './data-channel-subscriber.js';
export { repairSctp, isSctpRepaired } from './werift-sctp-repairs.js';
export {
  PacedChannelSender,
  DEFAULT_LOW_WATER_BYTES,
  DEFAULT_MAX_QUEUED_BYTES,
  type PacedChannelSenderOptions,
} from './paced-channel-sender.js';
export type { MediaRouter, TrackSource } from './media-router.js';
export { NativeMediaEngine, type NativeMediaEngineOptions } from './native-engine/native-media-engine.js';
export type { EngineCounters, EngineCounterName } from './native-engine/engine-counters.js';
