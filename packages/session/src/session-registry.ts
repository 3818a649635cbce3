/**
 * Where sessions live. `SessionStore` is the storage seam (memory now, shared storage later);
 * `SessionRegistry` creates sessions, answers lookups as Decisions, keeps tombstones of closed
 * sessions so they answer `gone` (HTTP 410) instead of `not_found` (404), and carries the
 * cross-session cascade: when a published track or data channel stops, every subscription to it
 * in the same app becomes inactive (`sourceclosed`).
 */
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import type { SessionGoneFailure, SessionNotFoundFailure } from './decision.js';
import { Session } from './session.js';
import { generateSessionId } from './session-id.js';
import { DEFAULT_SESSION_OPTIONS } from './session-options.js';
import type { ResolvedSessionOptions } from './session-options.js';
import type { DataChannelRecord, LocalTrack, SessionCloseReason, SessionTrack } from './session-types.js';
import { TypedEmitter } from './typed-emitter.js';

/** What remains of a closed session: enough to answer 410 with the right reason. */
export interface SessionTombstone {
  readonly sessionId: string;
  readonly appId: string;
  readonly reason: SessionCloseReason;
  readonly closedAtMs: number;
}

/** Storage of live sessions and tombstones. Implementations must keep tombstones bounded. */
export interface SessionStore {
  readonly size: number;
  get(sessionId: string): Session | undefined;
  /** Adds a live session; throws if its id is already stored. */
  add(session: Session): void;
  /** Removes a live session; false if it was not stored. */
  delete(sessionId: string): boolean;
  listByApp(appId: string): Session[];
  /** Every live session. */
  values(): Iterable<Session>;
  recordTombstone(tombstone: SessionTombstone): void;
  tombstone(sessionId: string): SessionTombstone | undefined;
}

/** Tombstones kept by default: ~100 bytes each, so ~1 MB at the bound. */
export const DEFAULT_MAX_TOMBSTONES = 10_000;

export interface MemorySessionStoreOptions {
  /** The most recent closed sessions remembered as `gone`; older ones fall back to `not_found`. */
  readonly maxTombstones?: number | undefined;
}

export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #byApp = new Map<string, Set<Session>>();
  /** Insertion-ordered, so the first key is the oldest: FIFO eviction. */
  readonly #tombstones = new Map<string, SessionTombstone>();
  readonly #maxTombstones: number;

  constructor(options: MemorySessionStoreOptions = {}) {
    const max = options.maxTombstones ?? DEFAULT_MAX_TOMBSTONES;
    if (!Number.isInteger(max) || max < 0) {
      throw new RangeError(`MemorySessionStore: maxTombstones must be an integer >= 0, got ${max}`);
    }
    this.#maxTombstones = max;
  }

  get size(): number {
    return this.#sessions.size;
  }

  get tombstoneCount(): number {
    return this.#tombstones.size;
  }

  get(sessionId: string): Session | undefined {
    return this.#sessions.get(sessionId);
  }

  add(session: Session): void {
    if (this.#sessions.has(session.id)) throw new TypeError(`MemorySessionStore: session ${session.id} already stored`);
    this.#sessions.set(session.id, session);
    let app = this.#byApp.get(session.appId);
    if (!app) this.#byApp.set(session.appId, (app = new Set()));
    app.add(session);
  }

  delete(sessionId: string): boolean {
    const session = this.#sessions.get(sessionId);
    if (!session) return false;
    this.#sessions.delete(sessionId);
    const app = this.#byApp.get(session.appId);
    app?.delete(session);
    if (app?.size === 0) this.#byApp.delete(session.appId);
    return true;
  }

  listByApp(appId: string): Session[] {
    return [...(this.#byApp.get(appId) ?? [])];
  }

  values(): Iterable<Session> {
    return [...this.#sessions.values()];
  }

  recordTombstone(tombstone: SessionTombstone): void {
    if (this.#maxTombstones === 0) return;
    this.#tombstones.delete(tombstone.sessionId);
    this.#tombstones.set(tombstone.sessionId, Object.freeze({ ...tombstone }));
    while (this.#tombstones.size > this.#maxTombstones) {
      const oldest = this.#tombstones.keys().next();
      if (oldest.done) break;
      this.#tombstones.delete(oldest.value);
    }
  }

  tombstone(sessionId: string): SessionTombstone | undefined {
    return this.#tombstones.get(sessionId);
  }
}

export interface SessionRegistryEvents {
  /** After the session is stored; subscribe to its events here. */
  sessioncreated: [session: Session];
  /** After the session's own `close` cascade, once it is removed and tombstoned. */
  sessionclosed: [session: Session, reason: SessionCloseReason];
}

export interface SessionRegistryOptions {
  readonly clock?: Clock | undefined;
  /** Resolved limits and timeouts given to every session; defaults to `DEFAULT_SESSION_OPTIONS`. */
  readonly options?: ResolvedSessionOptions | undefined;
  /** Defaults to a new `MemorySessionStore()`. */
  readonly store?: SessionStore | undefined;
}

export interface CreateSessionOptions {
  readonly thirdparty?: boolean | undefined;
  readonly correlationId?: string | undefined;
}

export type SessionLookupDecision =
  | { readonly ok: true; readonly session: Session }
  | SessionNotFoundFailure
  | SessionGoneFailure;

/** A published track found for a pull. */
export interface PublishedTrack {
  readonly session: Session;
  readonly track: LocalTrack;
}

/** A published data channel found for a subscription. */
export interface PublishedDataChannel {
  readonly session: Session;
  readonly channel: DataChannelRecord;
}

export class SessionRegistry extends TypedEmitter<SessionRegistryEvents> {
  readonly store: SessionStore;
  readonly options: ResolvedSessionOptions;
  readonly #clock: Clock;
  #closed = false;

  constructor(options: SessionRegistryOptions = {}) {
    super();
    this.#clock = options.clock ?? systemClock;
    this.options = options.options ?? DEFAULT_SESSION_OPTIONS;
    this.store = options.store ?? new MemorySessionStore();
  }

  get size(): number {
    return this.store.size;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Creates, stores and announces a session of `appId` (the caller has authenticated the app).
   * The session removes and tombstones itself from this registry when it closes.
   */
  create(appId: string, options: CreateSessionOptions = {}): Session {
    if (this.#closed) throw new TypeError('SessionRegistry.create(): the registry is closed');
    let id = generateSessionId();
    while (this.store.get(id) || this.store.tombstone(id)) id = generateSessionId();
    const session = new Session({
      id,
      appId,
      clock: this.#clock,
      options: this.options,
      thirdparty: options.thirdparty,
      correlationId: options.correlationId,
    });
    this.store.add(session);
    this.#wire(session);
    this.safeEmit('sessioncreated', session);
    return session;
  }

  /**
   * The session `sessionId` of `appId`: `ok`, or `session_error`/`gone` (with the close reason)
   * for a session of this app that closed recently, or `not_found` (never existed, another
   * app's, or its tombstone was evicted).
   */
  lookup(appId: string, sessionId: string): SessionLookupDecision {
    const session = this.store.get(sessionId);
    if (session && session.appId === appId) {
      if (!session.closed) return { ok: true, session };
      return gone(sessionId, session.closeReason ?? 'requested');
    }
    const tombstone = session ? undefined : this.store.tombstone(sessionId);
    if (tombstone && tombstone.appId === appId) return gone(sessionId, tombstone.reason);
    return { ok: false, code: 'not_found', description: `Session ${sessionId} not found` };
  }

  /** The live session with this id, in any app. */
  get(sessionId: string): Session | undefined {
    return this.store.get(sessionId);
  }

  /** Every live session (a copy: closing sessions while iterating is safe). */
  sessions(): Session[] {
    return [...this.store.values()];
  }

  listByApp(appId: string): Session[] {
    return this.store.listByApp(appId);
  }

  /** The active track `trackName` published by session `sessionId` of `appId`, if any. */
  findPublishedTrack(appId: string, sessionId: string, trackName: string): PublishedTrack | undefined {
    const session = this.store.get(sessionId);
    if (!session || session.closed || session.appId !== appId) return undefined;
    const track = session.getLocalTrack(trackName);
    return track?.status === 'active' ? { session, track } : undefined;
  }

  /** The live local data channel `dataChannelName` of session `sessionId` of `appId`, if any. */
  findPublishedDataChannel(appId: string, sessionId: string, dataChannelName: string): PublishedDataChannel | undefined {
    const session = this.store.get(sessionId);
    if (!session || session.closed || session.appId !== appId) return undefined;
    const channel = session.findDataChannel('local', dataChannelName);
    return channel && channel.status !== 'inactive' ? { session, channel } : undefined;
  }

  /** Idempotent: refuses new sessions and closes every live one with `reason`. */
  close(reason: SessionCloseReason = 'requested'): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const session of this.sessions()) session.close(reason);
  }

  #wire(session: Session): void {
    session.on('trackclosed', (track) => this.#onTrackClosed(session, track));
    session.on('datachannelclosed', (channel) => this.#onDataChannelClosed(session, channel));
    session.once('close', (reason) => {
      this.store.delete(session.id);
      this.store.recordTombstone({
        sessionId: session.id,
        appId: session.appId,
        reason,
        closedAtMs: this.#clock.nowMs(),
      });
      this.safeEmit('sessionclosed', session, reason);
    });
  }

  /** A published track stopped: its subscriptions in this app end (`sourceclosed`). */
  #onTrackClosed(publisher: Session, track: SessionTrack): void {
    if (track.location !== 'local') return;
    for (const subscriber of this.store.listByApp(publisher.appId)) {
      if (subscriber.closed) continue;
      for (const pulled of subscriber.remoteTracks()) {
        if (pulled.status === 'active' && pulled.sessionId === publisher.id && pulled.trackName === track.trackName) {
          subscriber.markRemoteTrackInactive(pulled.mid, 'sourceclosed');
        }
      }
    }
  }

  /** A published data channel stopped: its subscriptions in this app end (`sourceclosed`). */
  #onDataChannelClosed(publisher: Session, channel: DataChannelRecord): void {
    if (channel.location !== 'local') return;
    for (const subscriber of this.store.listByApp(publisher.appId)) {
      if (subscriber.closed) continue;
      for (const sub of subscriber.dataChannels()) {
        if (
          sub.location === 'remote' &&
          sub.status !== 'inactive' &&
          sub.sessionId === publisher.id &&
          sub.dataChannelName === channel.dataChannelName
        ) {
          subscriber.closeDataChannel(sub.id, 'sourceclosed');
        }
      }
    }
  }
}

function gone(sessionId: string, closeReason: SessionCloseReason): SessionGoneFailure {
  return {
    ok: false,
    code: 'session_error',
    reason: 'gone',
    closeReason,
    description: `Session ${sessionId} is gone (${closeReason}); create a new session`,
  };
}
