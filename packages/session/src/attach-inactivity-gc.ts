/**
 * Wires an `InactivityGc` to a `SessionRegistry`, so the composition root needs one line:
 * - a local track that is (or becomes, via `setLocalTrackNativeHandle`) active with a native
 *   handle is watched, from that moment on the GC source's clock;
 * - a local track that closes for any reason is unwatched;
 * - `trackinactive` marks the track inactive on its session (`trackclosed` reason `inactive`),
 *   which in turn ends its subscriptions (`sourceclosed`, via the registry) — unless the session
 *   is gone or the name now belongs to another handle.
 */
import type { InactivityGc, TrackInactiveEvent } from './inactivity-gc.js';
import type { Session } from './session.js';
import type { SessionRegistry } from './session-registry.js';
import type { SessionTrack } from './session-types.js';

/** Connects `gc` to `registry` (existing and future sessions). Returns a function that undoes it. */
export function attachInactivityGc(registry: SessionRegistry, gc: InactivityGc): () => void {
  const detachers = new Map<Session, () => void>();

  const watchIfLive = (session: Session, track: SessionTrack): void => {
    if (track.location !== 'local' || track.status !== 'active' || track.nativeHandle === undefined) return;
    if (gc.isWatched(track.nativeHandle)) return;
    gc.watch(track.nativeHandle, { sessionId: session.id, trackName: track.trackName });
  };

  const attachSession = (session: Session): void => {
    if (detachers.has(session) || session.closed) return;
    const onAdded = (track: SessionTrack): void => watchIfLive(session, track);
    const onClosed = (track: SessionTrack): void => {
      if (track.location === 'local' && track.nativeHandle !== undefined) gc.unwatch(track.nativeHandle);
    };
    const onClose = (): void => detachSession(session);
    session.on('trackadded', onAdded).on('trackupdated', onAdded).on('trackclosed', onClosed).on('close', onClose);
    detachers.set(session, () => {
      session.off('trackadded', onAdded).off('trackupdated', onAdded).off('trackclosed', onClosed).off('close', onClose);
    });
    for (const track of session.localTracks()) watchIfLive(session, track);
  };

  const detachSession = (session: Session): void => {
    detachers.get(session)?.();
    detachers.delete(session);
  };

  const onInactive = (event: TrackInactiveEvent): void => {
    const session = registry.get(event.sessionId);
    if (!session || session.closed) return;
    const track = session.getLocalTrack(event.trackName);
    if (track?.status !== 'active' || track.nativeHandle !== event.handle) return;
    session.markLocalTrackInactive(event.trackName, 'inactive');
  };

  registry.on('sessioncreated', attachSession);
  gc.on('trackinactive', onInactive);
  for (const session of registry.sessions()) attachSession(session);

  return () => {
    registry.off('sessioncreated', attachSession);
    gc.off('trackinactive', onInactive);
    for (const session of [...detachers.keys()]) detachSession(session);
  };
}
