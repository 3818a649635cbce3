/**
 * Expected failures in this package are values, not exceptions (style.md §3). Every check returns
 * a Decision: `{ ok: true, ... }` or a `Failure` whose `code` is a Calls error code, so the HTTP
 * layer maps it to a status with the same table it uses for `SfuError`. `decisionError()` turns a
 * failure into the matching `SfuError` for callers that prefer to throw.
 */
import { LimitExceededError, NotFoundError, SfuError } from '@opencalls/protocol';
import type { SessionErrorReason } from '@opencalls/protocol';
import type { SessionCloseReason } from './session-types.js';

/** A failed Decision: a Calls error code plus a human-readable description. */
export interface FailureBase<C extends string> {
  readonly ok: false;
  readonly code: C;
  readonly description: string;
}

/** The app does not exist (`not_found`) or the Bearer secret is missing or wrong (`unauthorized`). */
export type AuthFailure = FailureBase<'not_found' | 'unauthorized'>;

/** The session named more than `callsPerSecond` calls in the last second. */
export interface RateLimitFailure extends FailureBase<'rate_limited'> {
  readonly limit: 'calls_per_second';
  /** Milliseconds until one more call would be allowed (> 0, whole ms). */
  readonly retryAfterMs: number;
}

/** A request named more than `tracksPerCall` tracks; nothing of it may be applied. */
export interface TracksPerCallFailure extends FailureBase<'invalid_params'> {
  readonly limit: 'tracks_per_call';
  readonly count: number;
  readonly max: number;
}

/** No such session in this app (never existed, another app's, or its tombstone was evicted). */
export type SessionNotFoundFailure = FailureBase<'not_found'>;

/** The session existed in this app but was closed or expired (HTTP 410). */
export interface SessionGoneFailure extends FailureBase<'session_error'> {
  readonly reason: 'gone';
  readonly closeReason: SessionCloseReason;
}

/** The PeerConnection did not reach `connected` in time (HTTP 425) or the session ended meanwhile (410). */
export interface NotConnectedFailure extends FailureBase<'session_error'> {
  readonly reason: SessionErrorReason;
}

export type Failure =
  | AuthFailure
  | RateLimitFailure
  | TracksPerCallFailure
  | SessionNotFoundFailure
  | SessionGoneFailure
  | NotConnectedFailure;

/** The `SfuError` equivalent of a failed Decision (same `code`; limit, retry and session reason kept). */
export function decisionError(failure: Failure): SfuError {
  switch (failure.code) {
    case 'not_found':
      return new NotFoundError(failure.description);
    case 'unauthorized':
      return new SfuError('unauthorized', failure.description);
    case 'rate_limited':
      return new LimitExceededError('calls_per_second', 'rate_limited', failure.description, {
        retryAfterMs: failure.retryAfterMs,
      });
    case 'invalid_params':
      return new LimitExceededError('tracks_per_call', 'invalid_params', failure.description);
    case 'session_error':
      return new SfuError('session_error', failure.description, { sessionReason: failure.reason });
  }
}
