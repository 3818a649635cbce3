/**
 * `@opencalls/session`: apps, sessions, tracks and data channels; the per-session mutation queue;
 * the Calls limits and timeouts; the reaper and the inactivity GC. Pure logic over an injected
 * clock; media is reached only through the interfaces declared here (`ActivitySource`).
 */
export { systemClock, systemTimers } from './clock.js';
export type { Clock, TimerHandle, Timers } from './clock.js';

export { DEFAULT_SESSION_OPTIONS, resolveSessionOptions } from './session-options.js';
export type { ResolvedSessionOptions, SessionOptions } from './session-options.js';

export { decisionError } from './decision.js';
export type {
  AuthFailure,
  Failure,
  FailureBase,
  NotConnectedFailure,
  RateLimitFailure,
  SessionGoneFailure,
  SessionNotFoundFailure,
  TracksPerCallFailure,
} from './decision.js';

export { setListenerErrorHandler, TypedEmitter } from './typed-emitter.js';
export type { EventMap, Listener, ListenerErrorHandler } from './typed-emitter.js';

export { AppRegistry, constantTimeEqual } from './app-registry.js';
export type { App, AppAuthDecision, AppConfig } from './app-registry.js';

export { checkTracksPerCall, SessionCallLimiter } from './session-call-limiter.js';
export type { CallRateDecision, SessionCallLimiterOptions, TracksPerCallDecision } from './session-call-limiter.js';

export { MAX_QUEUED_MUTATIONS, MutationQueue } from './mutation-queue.js';
export type { MutationQueueOptions, MutationTask } from './mutation-queue.js';

export { generateSessionId, isSessionId } from './session-id.js';
export type {
  ConnectionState,
  DataChannelCloseReason,
  DataChannelRecord,
  DataChannelStatus,
  LocalTrack,
  Location,
  RemoteTrack,
  SessionCloseReason,
  SessionSnapshot,
  SessionTrack,
  SnapshotDataChannel,
  SnapshotTrack,
  TrackCloseReason,
  TrackKind,
  TrackStatus,
} from './session-types.js';
export { MAX_DATA_CHANNEL_ID, SERVER_EVENTS_CHANNEL, SERVER_EVENTS_CHANNEL_ID, Session } from './session.js';
export { INACTIVE_TRACKS_KEPT } from './inactive-track-retention.js';
export type {
  DataChannelInit,
  DataChannelUpdate,
  LocalTrackInit,
  RemoteTrackInit,
  SessionEvents,
  SessionInit,
} from './session.js';

export { DEFAULT_MAX_TOMBSTONES, MemorySessionStore, SessionRegistry } from './session-registry.js';
export type {
  CreateSessionOptions,
  MemorySessionStoreOptions,
  PublishedDataChannel,
  PublishedTrack,
  SessionLookupDecision,
  SessionRegistryEvents,
  SessionRegistryOptions,
  SessionStore,
  SessionTombstone,
} from './session-registry.js';

export { decideSessionExpiry, SessionReaper } from './session-reaper.js';
export type {
  ExpiryDecision,
  ReapableSession,
  ReaperTickResult,
  SessionReaperOptions,
  SessionSource,
} from './session-reaper.js';

export type { ActivitySource } from './activity-source.js';
export { DEFAULT_GC_INITIAL_CAPACITY, InactivityGc } from './inactivity-gc.js';
export type { InactivityGcEvents, InactivityGcOptions, TrackInactiveEvent, WatchOptions } from './inactivity-gc.js';
export { attachInactivityGc } from './attach-inactivity-gc.js';

export { waitForConnected } from './connection-waiter.js';
export type { ConnectedDecision } from './connection-waiter.js';
