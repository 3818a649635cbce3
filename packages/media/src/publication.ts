import type { PublishedTrack } from './published-track.js';
import type { SimulcastPublication } from './simulcast-publication.js';

/**
 * What a Calls session publishes on one mid: a plain track (one native track) or a simulcast
 * video (one native track per RID layer, see `SimulcastPublication`). Both have `handle` (what the
 * inactivity GC watches), `kind`, `stats()`, `attach`/`detach` for subscriptions and `close()`.
 */
export type Publication = PublishedTrack | SimulcastPublication;
