import { SfuError } from '@opencalls/protocol';
import { MediaEngine, type Publication } from '@opencalls/media';
import {
  AppRegistry,
  attachInactivityGc,
  InactivityGc,
  resolveSessionOptions,
  SessionReaper,
  SessionRegistry,
  systemClock,
  systemTimers,
  type App,
  type Clock,
  type Session,
  type SessionTrack,
  type Timers,
  type TrackCloseReason,
} from '@opencalls/session';
import type { Logger } from 'pino';
import type { SfuConfig } from '../config/config-types.js';
import { CallSession } from './call-session.js';
import { DataChannelHub } from './data-channel-hub.js';

export interface CallsServiceOptions {
  readonly config: SfuConfig;
  readonly logger: Logger;
  /** Tests inject a fake clock for sessions; the GC always uses the native router clock. */
  readonly clock?: Clock;
  readonly timers?: Timers;
}

/**
 * The composition of sessions (bookkeeping, limits, GC, reaper) and media (PeerConnections and
 * the native forwarder). The HTTP routes call the operations in `ops/`, which use this.
 */
export class CallsService {
  readonly config: SfuConfig;
  readonly logger: Logger;
  readonly apps: AppRegistry;
  readonly registry: SessionRegistry;
  readonly engine: MediaEngine;
  /** DataChannel relays and subscribers of every session (data-channel-hub.ts). */
  readonly dataChannels: DataChannelHub;
  readonly timers: Timers;
  readonly #gc: InactivityGc;
  readonly #reaper: SessionReaper;
  readonly #detachGc: () => void;
  readonly #calls = new Map<string, CallSession>();
  #closed = false;

  constructor(options: CallsServiceOptions) {
    const { config, logger } = options;
    this.config = config;
    this.logger = logger;
    this.timers = options.timers ?? systemTimers;
    const clock = options.clock ?? systemClock;
    const sessionOptions = resolveSessionOptions({
      callsPerSecond: config.limits.callsPerSecond,
      tracksPerCall: config.limits.tracksPerCall,
      connectWaitMs: config.limits.connectWaitMs,
      trackInactivityMs: config.limits.trackInactivityMs,
      reuseWindowMs: config.limits.reuseWindowMs,
      unconnectedSessionTtlMs: config.limits.unconnectedSessionTtlMs,
      gcIntervalMs: config.limits.gcIntervalMs,
    });
    this.apps = new AppRegistry(config.apps.map((a) => ({ appId: a.appId, secret: a.secret, name: a.name })));
    this.registry = new SessionRegistry({ clock, options: sessionOptions });
    this.engine = new MediaEngine({
      announcedAddresses: config.media.announcedAddresses,
      bindAddress: config.media.bindAddress,
      portRange: config.media.portRange,
      engine: config.media.engine,
      ...(config.media.rembBitrateBps === undefined ? {} : { rembBitrateBps: config.media.rembBitrateBps }),
      ...(config.media.udpGso === undefined ? {} : { udpGso: config.media.udpGso }),
      disconnectedAfterMs: config.limits.disconnectedAfterMs,
    });
    this.#gc = new InactivityGc({ source: this.engine, timers: this.timers, options: sessionOptions });
    this.#detachGc = attachInactivityGc(this.registry, this.#gc);
    this.#reaper = new SessionReaper({ sessions: this.registry, clock, timers: this.timers, options: sessionOptions });
    this.registry.on('sessioncreated', (session) => this.#onSessionCreated(session));
    this.dataChannels = new DataChannelHub({ registry: this.registry, findCall: (id) => this.#calls.get(id), logger });
    this.#gc.start();
    this.#reaper.start();
  }

  /** The app named in the URL, if the Bearer secret matches; else `not_found` / `unauthorized`. */
  authenticate(appId: string, authorization: string | undefined): App {
    const decision = this.apps.authenticate(appId, authorization);
    if (!decision.ok) throw new SfuError(decision.code, decision.description);
    return decision.app;
  }

  createSession(appId: string, options: { thirdparty?: boolean; correlationId?: string } = {}): CallSession {
    const session = this.registry.create(appId, options);
    const call = this.#calls.get(session.id);
    if (!call) throw new SfuError('internal_error', 'session was not registered');
    return call;
  }

  /** The live session of this app, or `not_found` (404) / `session_error` gone (410). */
  lookup(appId: string, sessionId: string): CallSession {
    const decision = this.registry.lookup(appId, sessionId);
    if (!decision.ok) {
      if (decision.code === 'session_error') {
        throw new SfuError('session_error', decision.description, { sessionReason: 'gone' });
      }
      throw new SfuError('not_found', decision.description);
    }
    const call = this.#calls.get(sessionId);
    if (!call) throw new SfuError('session_error', `Session ${sessionId} is closed`, { sessionReason: 'gone' });
    return call;
  }

  /** The media of an active published track, for a pull. */
  findPublished(appId: string, sessionId: string, trackName: string): Publication | undefined {
    const found = this.registry.findPublishedTrack(appId, sessionId, trackName);
    if (!found) return undefined;
    const call = this.#calls.get(sessionId);
    if (!call?.hasPeer) return undefined;
    const pub = call.peer.publishedByMid(found.track.mid);
    return pub && !pub.closed ? pub : undefined;
  }

  get sessionCount(): number {
    return this.registry.size;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#reaper.stop();
    this.#gc.close();
    this.#detachGc();
    this.registry.close('requested');
    this.dataChannels.close();
    await Promise.all([...this.#calls.values()].map((c) => c.close()));
    this.#calls.clear();
    await this.engine.close();
  }

  #onSessionCreated(session: Session): void {
    const logger = this.logger.child({
      sessionId: session.id,
      appId: session.appId,
      ...(session.correlationId !== undefined ? { correlationId: session.correlationId } : {}),
    });
    const call = new CallSession(session, this.engine, this.timers, logger);
    this.#calls.set(session.id, call);
    session.on('trackclosed', (track, reason) => this.#onTrackClosed(call, track, reason));
    session.once('close', (reason) => {
      this.#calls.delete(session.id);
      call.logger.info({ reason }, 'session closed');
      void call.close();
    });
    call.logger.info({ thirdparty: session.thirdparty }, 'session created');
  }

  /** A track left the session's books (close, GC, publisher gone): stop its media too. */
  #onTrackClosed(call: CallSession, track: SessionTrack, reason: TrackCloseReason): void {
    if (!call.hasPeer) return;
    if (track.location === 'local') {
      call.peer.publishedByMid(track.mid)?.close();
      call.logger.info({ trackName: track.trackName, reason }, 'track closed');
    } else {
      call.peer.subscriptionByMid(track.mid)?.close();
      call.pendingPulls.delete(track.mid);
    }
  }
}
