/**
 * Inactive track records a session keeps for `GET session`, per location (local, remote): the
 * newest. Older ones are forgotten, so a long meeting that pulls and closes tracks all day does
 * not grow its session without bound (Calls only says closed tracks may stay listed).
 */
export const INACTIVE_TRACKS_KEPT = 64;

/** Drops the oldest inactive records of `tracks` (insertion order) beyond `INACTIVE_TRACKS_KEPT`. */
export function forgetOldestInactive(tracks: Map<string, { readonly status: string }>): void {
  let inactive = 0;
  for (const track of tracks.values()) if (track.status === 'inactive') inactive++;
  for (const [key, track] of tracks) {
    if (inactive <= INACTIVE_TRACKS_KEPT) return;
    if (track.status !== 'inactive') continue;
    tracks.delete(key);
    inactive--;
  }
}
