/**
 * A Calls session: one PeerConnection's worth of bookkeeping (calls-api.md §2). It holds the
 * session's tracks and data channels, its connection state as the media layer reports it, its
 * call-rate limiter and its mutation queue. It does no media and no SDP.
 *
 * Mutating methods throw `InvalidStateError` once the session is closed (a bug in the caller);
 * expected per-item failures (a repeated track name, a mid in use) come back as `ItemResult`s.
 * Queries never throw.
 */
import { InvalidStateError, itemError, itemOk } from '@opencalls/protocol';
import type { ItemResult } from '@opencalls/protocol';
import { systemClock } from './clock.js';
import type { Clock } from './clock.js';
import { MutationQueue } from './mutation-queue.js';
import type { MutationTask } from './mutation-queue.js';
import { checkTracksPerCall, SessionCallLimiter } from './session-call-limiter.js';
import type { CallRateDecision, TracksPerCallDecision } from './session-call-limiter.js';
import { generateSessionId } from './session-id.js';
import { DEFAULT_SESSION_OPTIONS } from './session-options.js';
import type { ResolvedSessionOptions } from './session-options.js';
import type {
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
} from './session-types.js';
import { forgetOldestInactive } from './inactive-track-retention.js';
import { TypedEmitter } from './typed-emitter.js';

/** The reserved data channel that sets up a session's SCTP transport (calls-api.md §3.7). */
export const SERVER_EVENTS_CHANNEL = 'server-events';
/** `server-events` always gets SCTP stream id 0, as Calls' `datachannels/establish` returns. */
export const SERVER_EVENTS_CHANNEL_ID = 0;
/** The highest SCTP stream id; 65535 is reserved (RFC 8831 §6.5). */
export const MAX_DATA_CHANNEL_ID = 65_534;

export interface SessionEvents {
  trackadded: [track: SessionTrack];
  /** A track's record changed without it closing (a native handle was attached, a pull was retargeted). */
  trackupdated: [track: SessionTrack];
  /** A track became inactive; `track` is the record after the change (`status: 'inactive'`). */
  trackclosed: [track: SessionTrack, reason: TrackCloseReason];
  datachanneladded: [channel: DataChannelRecord];
  /** A data channel's status or `canReply` changed (not to inactive: see `datachannelclosed`). */
  datachannelupdated: [channel: DataChannelRecord];
  datachannelclosed: [channel: DataChannelRecord, reason: DataChannelCloseReason];
  connectionstatechange: [state: ConnectionState, previous: ConnectionState];
  /** Emitted once, last, after every `trackclosed`/`datachannelclosed` of the cascade. */
  close: [reason: SessionCloseReason];
}

export interface SessionInit {
  readonly appId: string;
  /** Defaults to a new random id (`generateSessionId()`). */
  readonly id?: string | undefined;
  readonly clock?: Clock | undefined;
  /** Resolved limits and timeouts; defaults to `DEFAULT_SESSION_OPTIONS`. */
  readonly options?: ResolvedSessionOptions | undefined;
  /** `sessions/new?thirdparty=true`: the peer is an ICE-lite server, not a browser. */
  readonly thirdparty?: boolean | undefined;
  /** `sessions/new?correlationId=…`: a diagnostic label only. */
  readonly correlationId?: string | undefined;
}

export interface LocalTrackInit {
  readonly trackName: string;
  readonly mid: string;
  readonly kind?: TrackKind | undefined;
  readonly nativeHandle?: number | undefined;
}

export interface RemoteTrackInit {
  readonly mid: string;
  /** The publisher's session. */
  readonly sessionId: string;
  readonly trackName: string;
  readonly kind?: TrackKind | undefined;
}

export interface DataChannelInit {
  readonly location: Location;
  readonly dataChannelName: string;
  /** Remote only (required there, except for `server-events`): the publisher's session. */
  readonly sessionId?: string | undefined;
  /** A specific SCTP stream id (e.g. one the client already opened); allocated when omitted. */
  readonly id?: number | undefined;
  /** Defaults to `active`. */
  readonly status?: DataChannelStatus | undefined;
  readonly canReply?: boolean | undefined;
  readonly waitForAck?: boolean | undefined;
  readonly ordered?: boolean | undefined;
  readonly maxRetransmits?: number | undefined;
  readonly maxPacketLifeTime?: number | undefined;
}

export interface DataChannelUpdate {
  readonly status?: 'active' | 'initializing' | undefined;
  readonly canReply?: boolean | undefined;
}

export class Session extends TypedEmitter<SessionEvents> {
  readonly id: string;
  readonly appId: string;
  readonly createdAtMs: number;
  readonly thirdparty: boolean;
  readonly correlationId: string | undefined;
  readonly options: ResolvedSessionOptions;
  /** 50 calls/s for this session; see `tryCall()`. */
  readonly callLimiter: SessionCallLimiter;
  /** One negotiation at a time; see `enqueue()`. */
  readonly mutations: MutationQueue;

  readonly #clock: Clock;
  readonly #localTracks = new Map<string, LocalTrack>();
  readonly #remoteTracks = new Map<string, RemoteTrack>();
  readonly #dataChannels = new Map<number, DataChannelRecord>();
  /** Live (not inactive) data channels by `dataChannelKey()`, so adding one stays O(1). */
  readonly #liveDataChannels = new Map<string, number>();
  #nextDataChannelId = 1;
  #connectionState: ConnectionState = 'new';
  #everConnected = false;
  #disconnectedAtMs: number | undefined;
  #closed = false;
  #closeReason: SessionCloseReason | undefined;

  constructor(init: SessionInit) {
    super();
    this.#clock = init.clock ?? systemClock;
    this.options = init.options ?? DEFAULT_SESSION_OPTIONS;
    this.id = init.id ?? generateSessionId();
    this.appId = init.appId;
    this.createdAtMs = this.#clock.nowMs();
    this.thirdparty = init.thirdparty ?? false;
    this.correlationId = init.correlationId;
    this.callLimiter = new SessionCallLimiter(this.#clock, { callsPerSecond: this.options.callsPerSecond });
    this.mutations = new MutationQueue({ name: `session ${this.id}` });
  }

  // ── state ──────────────────────────────────────────────────────────────────────────────────

  get closed(): boolean {
    return this.#closed;
  }

  /** Set once `close()` ran. */
  get closeReason(): SessionCloseReason | undefined {
    return this.#closeReason;
  }

  get connectionState(): ConnectionState {
    return this.#connectionState;
  }

  /** Whether the PeerConnection was ever `connected`. */
  get everConnected(): boolean {
    return this.#everConnected;
  }

  /** When the session last left `connected` (undefined while connected or never connected). */
  get disconnectedAtMs(): number | undefined {
    return this.#disconnectedAtMs;
  }

  /**
   * Records the PeerConnection state reported by the media layer. Leaving `connected` starts the
   * reuse window (`disconnectedAtMs`); coming back to `connected` cancels it. Returns whether the
   * state changed. Ignored (false) on a closed session, since a PeerConnection reports `closed`
   * after its session ended.
   */
  setConnectionState(state: ConnectionState): boolean {
    if (this.#closed || state === this.#connectionState) return false;
    const previous = this.#connectionState;
    this.#connectionState = state;
    if (state === 'connected') {
      this.#everConnected = true;
      this.#disconnectedAtMs = undefined;
    } else if (previous === 'connected') {
      this.#disconnectedAtMs = this.#clock.nowMs();
    }
    this.safeEmit('connectionstatechange', state, previous);
    return true;
  }

  // ── limits and serialization ───────────────────────────────────────────────────────────────

  /** Counts one API call naming this session against `callsPerSecond`. */
  tryCall(): CallRateDecision {
    return this.callLimiter.tryCall();
  }

  /** Whether one request may name `count` tracks or data channels (`tracksPerCall`). */
  checkTracksPerCall(count: number): TracksPerCallDecision {
    return checkTracksPerCall(count, this.options.tracksPerCall);
  }

  /** Runs `task` on this session's mutation queue (rejects with `InvalidStateError` once closed). */
  enqueue<T>(task: MutationTask<T>): Promise<T> {
    return this.mutations.run(task);
  }

  // ── local (pushed) tracks ──────────────────────────────────────────────────────────────────

  /**
   * Records a pushed track. Fails (per item) with `repeated_local_track_error` when an active
   * track already has this name, and `invalid_params` when the name or mid is empty or the mid
   * carries another active local track. An inactive track of the same name is replaced.
   */
  addLocalTrack(init: LocalTrackInit): ItemResult<LocalTrack> {
    this.#assertOpen('addLocalTrack');
    if (!init.trackName) return itemError('invalid_params', 'trackName must not be empty');
    if (!init.mid) return itemError('invalid_params', `Track ${init.trackName}: mid must not be empty`);
    if (this.#localTracks.get(init.trackName)?.status === 'active') {
      return itemError('repeated_local_track_error', `Track ${init.trackName} is already published on this session`);
    }
    const holder = this.findLocalTrackByMid(init.mid);
    if (holder?.status === 'active') {
      return itemError('invalid_params', `mid ${init.mid} already carries track ${holder.trackName}`);
    }
    this.#localTracks.delete(init.trackName); // re-insert: a replacement goes to the end
    const track: LocalTrack = Object.freeze({
      location: 'local',
      trackName: init.trackName,
      mid: init.mid,
      kind: init.kind,
      status: 'active',
      nativeHandle: init.nativeHandle,
      createdAtMs: this.#clock.nowMs(),
    });
    this.#localTracks.set(track.trackName, track);
    this.safeEmit('trackadded', track);
    return itemOk(track);
  }

  /** Attaches the media layer's native handle to an active local track (emits `trackupdated`). */
  setLocalTrackNativeHandle(trackName: string, nativeHandle: number): LocalTrack {
    this.#assertOpen('setLocalTrackNativeHandle');
    const track = this.#localTracks.get(trackName);
    if (!track || track.status !== 'active') {
      throw new InvalidStateError(`setLocalTrackNativeHandle(): no active track ${trackName} in session ${this.id}`);
    }
    const updated: LocalTrack = Object.freeze({ ...track, nativeHandle });
    this.#localTracks.set(trackName, updated);
    this.safeEmit('trackupdated', updated);
    return updated;
  }

  getLocalTrack(trackName: string): LocalTrack | undefined {
    return this.#localTracks.get(trackName);
  }

  /** The local track on `mid`; an active one wins over inactive ones that kept the same mid. */
  findLocalTrackByMid(mid: string): LocalTrack | undefined {
    let found: LocalTrack | undefined;
    for (const track of this.#localTracks.values()) {
      if (track.mid !== mid) continue;
      if (track.status === 'active') return track;
      found ??= track;
    }
    return found;
  }

  localTracks(): LocalTrack[] {
    return [...this.#localTracks.values()];
  }

  /**
   * Marks a local track inactive (it stays in `snapshot()` as `inactive`, among the newest
   * `INACTIVE_TRACKS_KEPT`) and emits `trackclosed`.
   * Returns the updated record, or undefined when there is no such track or it is already inactive.
   */
  markLocalTrackInactive(trackName: string, reason: 'requested' | 'inactive' = 'requested'): LocalTrack | undefined {
    this.#assertOpen('markLocalTrackInactive');
    const track = this.#localTracks.get(trackName);
    if (!track || track.status !== 'active') return undefined;
    const updated: LocalTrack = Object.freeze({ ...track, status: 'inactive' });
    this.#localTracks.set(trackName, updated);
    forgetOldestInactive(this.#localTracks);
    this.safeEmit('trackclosed', updated, reason);
    return updated;
  }

  /** Forgets a local track (it leaves `snapshot()`); an active one is closed first (`requested`). */
  removeLocalTrack(trackName: string): boolean {
    this.#assertOpen('removeLocalTrack');
    if (!this.#localTracks.has(trackName)) return false;
    this.markLocalTrackInactive(trackName, 'requested');
    return this.#localTracks.delete(trackName);
  }

  // ── remote (pulled) tracks ─────────────────────────────────────────────────────────────────

  /**
   * Records a pulled track on this session's `mid`. Fails (per item) with `invalid_params` when a
   * field is empty or the mid carries another active remote track; an inactive one is replaced.
   */
  addRemoteTrack(init: RemoteTrackInit): ItemResult<RemoteTrack> {
    this.#assertOpen('addRemoteTrack');
    if (!init.mid || !init.sessionId || !init.trackName) {
      return itemError('invalid_params', 'A remote track needs mid, sessionId and trackName');
    }
    const holder = this.#remoteTracks.get(init.mid);
    if (holder?.status === 'active') {
      return itemError('invalid_params', `mid ${init.mid} already carries remote track ${holder.trackName}`);
    }
    this.#remoteTracks.delete(init.mid);
    const track: RemoteTrack = Object.freeze({
      location: 'remote',
      mid: init.mid,
      sessionId: init.sessionId,
      trackName: init.trackName,
      kind: init.kind,
      status: 'active',
      createdAtMs: this.#clock.nowMs(),
    });
    this.#remoteTracks.set(track.mid, track);
    this.safeEmit('trackadded', track);
    return itemOk(track);
  }

  /**
   * Makes the active pulled track on `mid` carry another publication (`tracks/update` reusing a
   * transceiver): the record keeps its mid and status and gets the new publisher session, name and
   * kind; emits `trackupdated` (not `trackclosed`: the subscription lives on). Fails (per item)
   * with `invalid_params` when a field is empty or `mid` carries no active pulled track.
   */
  retargetRemoteTrack(init: RemoteTrackInit): ItemResult<RemoteTrack> {
    this.#assertOpen('retargetRemoteTrack');
    if (!init.mid || !init.sessionId || !init.trackName) {
      return itemError('invalid_params', 'A remote track needs mid, sessionId and trackName');
    }
    const track = this.#remoteTracks.get(init.mid);
    if (track?.status !== 'active') return itemError('invalid_params', `mid ${init.mid} carries no active remote track`);
    const updated: RemoteTrack = Object.freeze({
      ...track,
      sessionId: init.sessionId,
      trackName: init.trackName,
      kind: init.kind ?? track.kind,
    });
    this.#remoteTracks.set(init.mid, updated);
    this.safeEmit('trackupdated', updated);
    return itemOk(updated);
  }

  getRemoteTrack(mid: string): RemoteTrack | undefined {
    return this.#remoteTracks.get(mid);
  }

  remoteTracks(): RemoteTrack[] {
    return [...this.#remoteTracks.values()];
  }

  /** Marks a pulled track inactive and emits `trackclosed`; undefined if unknown or already inactive. */
  markRemoteTrackInactive(mid: string, reason: 'requested' | 'sourceclosed' = 'requested'): RemoteTrack | undefined {
    this.#assertOpen('markRemoteTrackInactive');
    const track = this.#remoteTracks.get(mid);
    if (!track || track.status !== 'active') return undefined;
    const updated: RemoteTrack = Object.freeze({ ...track, status: 'inactive' });
    this.#remoteTracks.set(mid, updated);
    forgetOldestInactive(this.#remoteTracks);
    this.safeEmit('trackclosed', updated, reason);
    return updated;
  }

  /** Forgets a pulled track; an active one is closed first (`requested`). */
  removeRemoteTrack(mid: string): boolean {
    this.#assertOpen('removeRemoteTrack');
    if (!this.#remoteTracks.has(mid)) return false;
    this.markRemoteTrackInactive(mid, 'requested');
    return this.#remoteTracks.delete(mid);
  }

  /**
   * Every track on `mid` of this session (what `tracks/close` with that mid addresses): a
   * bidirectional transceiver carries a local and a remote track on one mid. Active tracks first.
   */
  tracksByMid(mid: string): SessionTrack[] {
    const found: SessionTrack[] = [];
    for (const track of this.#localTracks.values()) if (track.mid === mid) found.push(track);
    const remote = this.#remoteTracks.get(mid);
    if (remote) found.push(remote);
    return found.sort((a, b) => Number(b.status === 'active') - Number(a.status === 'active'));
  }

  // ── data channels ──────────────────────────────────────────────────────────────────────────

  /**
   * Records a data channel and gives it an SCTP stream id, unique on this session across local
   * and remote channels. The remote `server-events` channel gets id 0; every other channel gets
   * the next id after the last one allocated (1, 2, … up to 65534, then wrapping to the lowest
   * free one), so a closed channel's id is not handed out again while the client may still hold
   * its side open. Fails (per item) with `repeated_local_track_error` when an active channel with
   * the same location, name and publisher exists, and `invalid_params` for a bad field, an id in
   * use, or no free id.
   */
  addDataChannel(init: DataChannelInit): ItemResult<DataChannelRecord> {
    this.#assertOpen('addDataChannel');
    const { location, dataChannelName } = init;
    if (!dataChannelName) return itemError('invalid_params', 'dataChannelName must not be empty');
    const isServerEvents = location === 'remote' && dataChannelName === SERVER_EVENTS_CHANNEL;
    const sessionId = location === 'remote' ? init.sessionId || undefined : undefined;
    if (location === 'remote' && !sessionId && !isServerEvents) {
      return itemError('invalid_params', `Remote data channel ${dataChannelName} needs the publisher's sessionId`);
    }
    const key = dataChannelKey(location, dataChannelName, sessionId);
    const existingId = this.#liveDataChannels.get(key);
    if (existingId !== undefined) {
      return itemError(
        'repeated_local_track_error',
        `Data channel ${dataChannelName} already exists on this session (id ${existingId})`,
      );
    }
    let id = init.id ?? (isServerEvents && !sessionId ? SERVER_EVENTS_CHANNEL_ID : undefined);
    if (id !== undefined) {
      if (!Number.isInteger(id) || id < 0 || id > MAX_DATA_CHANNEL_ID) {
        return itemError('invalid_params', `Data channel id ${id} is not an SCTP stream id (0..${MAX_DATA_CHANNEL_ID})`);
      }
      if (this.#dataChannels.has(id)) return itemError('invalid_params', `Data channel id ${id} is in use`);
    } else {
      id = this.#allocateDataChannelId();
      if (id === undefined) return itemError('invalid_params', 'No free data channel id on this session');
    }
    const channel: DataChannelRecord = Object.freeze({
      location,
      dataChannelName,
      id,
      sessionId,
      status: init.status ?? 'active',
      canReply: location === 'remote' ? init.canReply : undefined,
      waitForAck: location === 'remote' ? init.waitForAck : undefined,
      ordered: init.ordered,
      maxRetransmits: init.maxRetransmits,
      maxPacketLifeTime: init.maxPacketLifeTime,
      createdAtMs: this.#clock.nowMs(),
    });
    this.#dataChannels.set(id, channel);
    this.#liveDataChannels.set(key, id);
    this.safeEmit('datachanneladded', channel);
    return itemOk(channel);
  }

  getDataChannel(id: number): DataChannelRecord | undefined {
    return this.#dataChannels.get(id);
  }

  /** The channel with this location, name and (remote) publisher; a live one wins over inactive ones. */
  findDataChannel(location: Location, dataChannelName: string, sessionId?: string): DataChannelRecord | undefined {
    const publisher = location === 'remote' ? sessionId || undefined : undefined;
    const liveId = this.#liveDataChannels.get(dataChannelKey(location, dataChannelName, publisher));
    if (liveId !== undefined) return this.#dataChannels.get(liveId);
    for (const channel of this.#dataChannels.values()) {
      if (channel.location === location && channel.dataChannelName === dataChannelName && channel.sessionId === publisher) {
        return channel;
      }
    }
    return undefined;
  }

  dataChannels(): DataChannelRecord[] {
    return [...this.#dataChannels.values()];
  }

  /**
   * Changes a live channel's status (`initializing` → `active`) or `canReply` (remote only) and
   * emits `datachannelupdated`. Undefined when the id is unknown or the channel is inactive.
   */
  updateDataChannel(id: number, update: DataChannelUpdate): DataChannelRecord | undefined {
    this.#assertOpen('updateDataChannel');
    const channel = this.#dataChannels.get(id);
    if (!channel || channel.status === 'inactive') return undefined;
    const updated: DataChannelRecord = Object.freeze({
      ...channel,
      status: update.status ?? channel.status,
      canReply: channel.location === 'remote' && update.canReply !== undefined ? update.canReply : channel.canReply,
    });
    this.#dataChannels.set(id, updated);
    this.safeEmit('datachannelupdated', updated);
    return updated;
  }

  /** Marks a channel inactive (its id stays taken) and emits `datachannelclosed`. */
  closeDataChannel(id: number, reason: 'requested' | 'sourceclosed' = 'requested'): DataChannelRecord | undefined {
    this.#assertOpen('closeDataChannel');
    const channel = this.#dataChannels.get(id);
    if (!channel || channel.status === 'inactive') return undefined;
    const updated: DataChannelRecord = Object.freeze({ ...channel, status: 'inactive' });
    this.#dataChannels.set(id, updated);
    this.#liveDataChannels.delete(dataChannelKey(channel.location, channel.dataChannelName, channel.sessionId));
    this.safeEmit('datachannelclosed', updated, reason);
    return updated;
  }

  /** Forgets a channel and frees its id; a live one is closed first (`requested`). */
  removeDataChannel(id: number): boolean {
    this.#assertOpen('removeDataChannel');
    if (!this.#dataChannels.has(id)) return false;
    this.closeDataChannel(id, 'requested');
    return this.#dataChannels.delete(id);
  }

  // ── snapshot and close ─────────────────────────────────────────────────────────────────────

  /**
   * The `GET session` body (calls-api.md §3.6): local tracks, then remote tracks, then data
   * channels, each in insertion order, with exactly the documented fields. `server-events` has
   * no publisher, so its entry carries no `sessionId`. Empty once the session is closed.
   */
  snapshot(): SessionSnapshot {
    const tracks: SnapshotTrack[] = [];
    for (const t of this.#localTracks.values()) {
      tracks.push({ location: 'local', mid: t.mid, trackName: t.trackName, status: t.status });
    }
    for (const t of this.#remoteTracks.values()) {
      tracks.push({ location: 'remote', mid: t.mid, sessionId: t.sessionId, trackName: t.trackName, status: t.status });
    }
    const dataChannels: SnapshotDataChannel[] = [];
    for (const c of this.#dataChannels.values()) {
      if (c.location === 'local') {
        dataChannels.push({ location: 'local', dataChannelName: c.dataChannelName, id: c.id, status: c.status });
      } else if (c.sessionId === undefined) {
        dataChannels.push({ location: 'remote', dataChannelName: c.dataChannelName, id: c.id, status: c.status });
      } else {
        dataChannels.push({
          location: 'remote',
          sessionId: c.sessionId,
          dataChannelName: c.dataChannelName,
          id: c.id,
          status: c.status,
        });
      }
    }
    return { tracks, dataChannels };
  }

  /**
   * Idempotent. The cascade, in order: the mutation queue closes (waiting mutations reject with
   * `InvalidStateError`, the running one's signal aborts); every active local track, then remote
   * track, emits `trackclosed(track, 'sessionclosed')`; every live data channel emits
   * `datachannelclosed(channel, 'sessionclosed')`; the bookkeeping is cleared and
   * `connectionState` becomes `closed` (without a `connectionstatechange`); `close(reason)` is
   * emitted last.
   */
  close(reason: SessionCloseReason = 'requested'): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeReason = reason;
    this.mutations.close();
    for (const track of this.#localTracks.values()) {
      if (track.status === 'active') this.safeEmit('trackclosed', Object.freeze({ ...track, status: 'inactive' }), 'sessionclosed');
    }
    for (const track of this.#remoteTracks.values()) {
      if (track.status === 'active') this.safeEmit('trackclosed', Object.freeze({ ...track, status: 'inactive' }), 'sessionclosed');
    }
    for (const channel of this.#dataChannels.values()) {
      if (channel.status !== 'inactive') {
        this.safeEmit('datachannelclosed', Object.freeze({ ...channel, status: 'inactive' }), 'sessionclosed');
      }
    }
    this.#localTracks.clear();
    this.#remoteTracks.clear();
    this.#dataChannels.clear();
    this.#liveDataChannels.clear();
    this.#connectionState = 'closed';
    this.safeEmit('close', reason);
  }

  /** Next id after the last one allocated, skipping ids in use; wraps from 65534 to 1. */
  #allocateDataChannelId(): number | undefined {
    for (let tries = 0; tries < MAX_DATA_CHANNEL_ID; tries++) {
      const id = this.#nextDataChannelId;
      this.#nextDataChannelId = id >= MAX_DATA_CHANNEL_ID ? 1 : id + 1;
      if (!this.#dataChannels.has(id)) return id;
    }
    return undefined;
  }

  #assertOpen(op: string): void {
    if (this.#closed) throw new InvalidStateError(`${op}(): session ${this.id} is closed`);
  }
}

function dataChannelKey(location: Location, dataChannelName: string, sessionId: string | undefined): string {
  return JSON.stringify([location, sessionId ?? '', dataChannelName]);
}
