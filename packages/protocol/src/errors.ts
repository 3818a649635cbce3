/**
 * Error codes and the error classes every OpenCalls package throws.
 *
 * The Calls-facing codes are the `errorCode` strings of the Cloudflare Calls API
 * (see the "Error codes" page of the Realtime SFU docs, and calls-api.md §4).
 * Callers branch on `code`, never on `message`.
 */

/** Request-level (top-level) Calls error codes. */
export const TOP_LEVEL_ERROR_CODES = [
  'unauthorized',
  'not_found',
  'decoding_error',
  'invalid_params',
  'payload_too_large',
  'session_error',
  'invalid_session_description',
  'negotiation_conflict',
  'rate_limited',
  'retryable_transient_error',
  'temporarily_unavailable_error',
  'transport_unavailable_error',
  'backend_error',
  'internal_error',
] as const;

/** Per-item Calls error codes (HTTP 200 with the error on the item). */
export const ITEM_ERROR_CODES = [
  'not_found_track_error',
  'empty_track_error',
  'repeated_local_track_error',
  'update_track_error',
  'close_track_error',
  'invalid_params',
  'internal_error',
] as const;

export type TopLevelErrorCode = (typeof TOP_LEVEL_ERROR_CODES)[number];
export type ItemErrorCode = (typeof ITEM_ERROR_CODES)[number];

/** Every code an SfuError may carry: Calls codes plus internal ones that never reach the wire as-is. */
export type SfuErrorCode = TopLevelErrorCode | ItemErrorCode | 'invalid_state' | 'native_failure';

/**
 * Why a `session_error` happened; it picks the HTTP status (425 vs 410).
 * `not_connected`: the PeerConnection did not reach `connected` in time (425).
 * `gone`: the session expired or was closed (410).
 */
export type SessionErrorReason = 'not_connected' | 'gone';

export interface SfuErrorOptions {
  readonly cause?: unknown;
  /** For `session_error`: which kind. */
  readonly sessionReason?: SessionErrorReason;
  /** For `rate_limited`: when the client may retry. */
  readonly retryAfterMs?: number;
}

export class SfuError extends Error {
  override name = 'SfuError';
  readonly code: SfuErrorCode;
  readonly sessionReason: SessionErrorReason | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(code: SfuErrorCode, message: string, options: SfuErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.sessionReason = options.sessionReason;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** An object was closed or is in the wrong negotiation state. */
export class InvalidStateError extends SfuError {
  override name = 'InvalidStateError';
  constructor(message: string) {
    super('invalid_state', message);
  }
}

/** The request body could not be decoded or failed validation. */
export class ProtocolError extends SfuError {
  override name = 'ProtocolError';
  constructor(code: 'decoding_error' | 'invalid_params' | 'invalid_session_description', message: string, options: SfuErrorOptions = {}) {
    super(code, message, options);
  }
}

export class LimitExceededError extends SfuError {
  override name = 'LimitExceededError';
  readonly limit: 'calls_per_second' | 'tracks_per_call' | 'payload_size';
  constructor(limit: LimitExceededError['limit'], code: SfuErrorCode, message: string, options: SfuErrorOptions = {}) {
    super(code, message, options);
    this.limit = limit;
  }
}

export class NotFoundError extends SfuError {
  override name = 'NotFoundError';
  constructor(message: string) {
    super('not_found', message);
  }
}

/** A failure reported by the native addon; `nativeCode` is the addon's stable code. */
export class NativeError extends SfuError {
  override name = 'NativeError';
  readonly nativeCode: string;
  constructor(nativeCode: string, message: string, options: SfuErrorOptions = {}) {
    super('native_failure', message, options);
    this.nativeCode = nativeCode;
  }
}

/** Batch items never throw; a failure becomes `{errorCode, errorDescription}` on the item. */
export type ItemResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errorCode: ItemErrorCode; readonly errorDescription: string };

export function itemOk<T>(value: T): ItemResult<T> {
  return { ok: true, value };
}

export function itemError<T = never>(errorCode: ItemErrorCode, errorDescription: string): ItemResult<T> {
  return { ok: false, errorCode, errorDescription };
}
