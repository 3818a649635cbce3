/**
 * THE table from error code to HTTP status, plus the Calls error body. Only apps/sfu
 * (`errors-to-http.ts`) uses it; other packages never think about HTTP.
 *
 * Sources: calls-api.md §4 and §9, design.md §6, and the only statuses Cloudflare's OpenAPI schema
 * lists for errors (the adapter paths: 400 `decoding_error`, 406 `invalid_params`, 503 when every
 * item failed; every other path lists only its 200/201). Choices, with reasons:
 *
 * | code                          | status | why |
 * |-------------------------------|--------|-----|
 * | unauthorized                  | 401    | wrong App Secret; undocumented, 401 is what Bearer auth means (clients treat 401/403 as credential failures) |
 * | not_found                     | 404    | unknown appId (or session); undocumented, the obvious status |
 * | decoding_error                | 400    | schema: "The JSON body or its field types could not be decoded" → 400 |
 * | invalid_params                | 406    | schema: invalid parameters / missing values / counts out of range → 406; calls-api.md §9 "406 (invalid …)". The schema gives invalid_params a status only on the adapter paths and it is 406 there; one code keeps one status everywhere, so `tracks/new` with 65 tracks (design.md §6 "400 or 406 per schema") is 406 too |
 * | payload_too_large             | 413    | undocumented; 413 is the HTTP status for exactly this |
 * | session_error, not_connected  | 425    | documented: setup not finished, wait for the connection and retry |
 * | session_error, gone           | 410    | documented: expired/closed, make a new session |
 * | session_error, reason unknown | 410    | a client that starts over is always correct; one that waits on a dead session is not |
 * | invalid_session_description   | 400    | undocumented; the SDP the client sent is unusable (unparseable, or the wrong type for the state): a bad request, like decoding_error. 406 stays reserved for its two documented meanings |
 * | negotiation_conflict          | 406    | documented (D-neg "simultaneous meeting joins"): overlapping mutation → 406 |
 * | rate_limited                  | 429    | undocumented; 429 + Retry-After is standard, and clients (video-room) retry 429 |
 * | retryable_transient_error     | 503    | "retry": 503 is the retryable service status |
 * | temporarily_unavailable_error | 503    | same |
 * | transport_unavailable_error   | 503    | same (the media transport could not be had right now) |
 * | backend_error                 | 502    | a component behind the API failed |
 * | internal_error                | 500    | our bug or an unexpected failure |
 * | invalid_state, native_failure | 500    | internal codes; on the wire they become `internal_error` (see `wireErrorCode`). The session layer must turn EXPECTED state failures into session_error / negotiation_conflict before they get here |
 * | item-only codes (`*_track_error`) | 500 | they belong on items of a 200 response; thrown as a request-level error they are a bug |
 */

import type { ItemErrorCode, SessionErrorReason, SfuError, SfuErrorCode, TopLevelErrorCode } from './errors.js';

/** Status for every code except `session_error` (which depends on its reason). */
export const ERROR_HTTP_STATUS: Readonly<Record<SfuErrorCode, number>> = Object.freeze({
  unauthorized: 401,
  not_found: 404,
  decoding_error: 400,
  invalid_params: 406,
  payload_too_large: 413,
  session_error: 410,
  invalid_session_description: 400,
  negotiation_conflict: 406,
  rate_limited: 429,
  retryable_transient_error: 503,
  temporarily_unavailable_error: 503,
  transport_unavailable_error: 503,
  backend_error: 502,
  internal_error: 500,
  invalid_state: 500,
  native_failure: 500,
  not_found_track_error: 500,
  empty_track_error: 500,
  repeated_local_track_error: 500,
  update_track_error: 500,
  close_track_error: 500,
});

/** `session_error` statuses by reason. */
export const SESSION_ERROR_HTTP_STATUS: Readonly<Record<SessionErrorReason, number>> = Object.freeze({
  not_connected: 425,
  gone: 410,
});

/** The HTTP status for a request-level error with this code (and, for `session_error`, reason). */
export function httpStatusForCode(code: SfuErrorCode, sessionReason?: SessionErrorReason): number {
  if (code === 'session_error' && sessionReason !== undefined) return SESSION_ERROR_HTTP_STATUS[sessionReason];
  return ERROR_HTTP_STATUS[code];
}

/** The HTTP status for a thrown `SfuError` (uses its `code` and `sessionReason`). */
export function httpStatusForError(error: SfuError): number {
  return httpStatusForCode(error.code, error.sessionReason);
}

/** A code that may appear on the wire. */
export type WireErrorCode = TopLevelErrorCode | ItemErrorCode;

/** The `errorCode` to send: internal codes (`invalid_state`, `native_failure`) become `internal_error`. */
export function wireErrorCode(code: SfuErrorCode): WireErrorCode {
  return code === 'invalid_state' || code === 'native_failure' ? 'internal_error' : code;
}

/** The Calls error body. */
export interface ErrorBody {
  readonly errorCode: WireErrorCode;
  readonly errorDescription: string;
}

/** `{errorCode, errorDescription}` for a request-level error (internal codes mapped by `wireErrorCode`). */
export function errorBody(code: SfuErrorCode, description: string): ErrorBody {
  return { errorCode: wireErrorCode(code), errorDescription: description };
}

/** The `Retry-After` header value (whole seconds, at least 1) for a `retryAfterMs`. */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000));
}
