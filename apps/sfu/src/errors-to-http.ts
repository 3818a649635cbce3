import { errorBody, httpStatusForError, retryAfterSeconds, SfuError, type ErrorBody } from '@opencalls/protocol';

export interface HttpError {
  readonly status: number;
  readonly body: ErrorBody;
  readonly headers: Record<string, string>;
}

/**
 * The ONLY place where an error becomes an HTTP status and a Calls error body. Anything that is
 * not an SfuError is a bug: it answers 500 `internal_error` without leaking details.
 */
export function errorToHttp(error: unknown): HttpError {
  if (error instanceof SfuError) {
    const headers: Record<string, string> = {};
    if (error.retryAfterMs !== undefined) headers['retry-after'] = String(retryAfterSeconds(error.retryAfterMs));
    return { status: httpStatusForError(error), body: errorBody(error.code, error.message), headers };
  }
  return { status: 500, body: errorBody('internal_error', 'Backend error'), headers: {} };
}
