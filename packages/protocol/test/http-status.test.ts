import { describe, expect, test } from 'vitest';
import {
  ERROR_HTTP_STATUS,
  ITEM_ERROR_CODES,
  InvalidStateError,
  LimitExceededError,
  NativeError,
  ProtocolError,
  SfuError,
  TOP_LEVEL_ERROR_CODES,
  errorBody,
  httpStatusForCode,
  httpStatusForError,
  parseErrorResponse,
  retryAfterSeconds,
  wireErrorCode,
} from '../src/index.js';
import type { SfuErrorCode } from '../src/index.js';

describe('the code → HTTP status table', () => {
  test.each<[SfuErrorCode, number]>([
    ['unauthorized', 401],
    ['not_found', 404],
    ['decoding_error', 400],
    ['invalid_params', 406],
    ['payload_too_large', 413],
    ['invalid_session_description', 400],
    ['negotiation_conflict', 406],
    ['rate_limited', 429],
    ['retryable_transient_error', 503],
    ['temporarily_unavailable_error', 503],
    ['transport_unavailable_error', 503],
    ['backend_error', 502],
    ['internal_error', 500],
    ['invalid_state', 500],
    ['native_failure', 500],
    ['not_found_track_error', 500],
    ['empty_track_error', 500],
    ['repeated_local_track_error', 500],
    ['update_track_error', 500],
    ['close_track_error', 500],
  ])('%s → %i', (code, status) => {
    expect(httpStatusForCode(code)).toBe(status);
  });

  test('session_error depends on the reason', () => {
    expect(httpStatusForCode('session_error', 'not_connected')).toBe(425);
    expect(httpStatusForCode('session_error', 'gone')).toBe(410);
    expect(httpStatusForCode('session_error')).toBe(410);
  });

  test('every top-level code has an error status', () => {
    for (const code of TOP_LEVEL_ERROR_CODES) {
      expect(ERROR_HTTP_STATUS[code], code).toBeGreaterThanOrEqual(400);
      expect(ERROR_HTTP_STATUS[code], code).toBeLessThan(600);
    }
  });

  test('the table is frozen', () => {
    expect(Object.isFrozen(ERROR_HTTP_STATUS)).toBe(true);
  });

  test('httpStatusForError reads code and sessionReason off the error', () => {
    expect(httpStatusForError(new SfuError('session_error', 'wait', { sessionReason: 'not_connected' }))).toBe(425);
    expect(httpStatusForError(new SfuError('session_error', 'gone', { sessionReason: 'gone' }))).toBe(410);
    expect(httpStatusForError(new ProtocolError('decoding_error', 'bad'))).toBe(400);
    expect(httpStatusForError(new LimitExceededError('tracks_per_call', 'invalid_params', 'too many'))).toBe(406);
    expect(httpStatusForError(new LimitExceededError('calls_per_second', 'rate_limited', 'slow down'))).toBe(429);
    expect(httpStatusForError(new InvalidStateError('closed'))).toBe(500);
    expect(httpStatusForError(new NativeError('abi_mismatch', 'x'))).toBe(500);
  });
});

describe('error bodies', () => {
  test('errorBody is {errorCode, errorDescription} and valid on the wire', () => {
    const body = errorBody('invalid_params', 'tracks[0].location is required');
    expect(body).toEqual({ errorCode: 'invalid_params', errorDescription: 'tracks[0].location is required' });
    expect(parseErrorResponse(body).ok).toBe(true);
  });

  test('internal codes never reach the wire', () => {
    expect(wireErrorCode('invalid_state')).toBe('internal_error');
    expect(wireErrorCode('native_failure')).toBe('internal_error');
    expect(errorBody('native_failure', 'x')).toEqual({ errorCode: 'internal_error', errorDescription: 'x' });
    for (const code of [...TOP_LEVEL_ERROR_CODES, ...ITEM_ERROR_CODES]) expect(wireErrorCode(code)).toBe(code);
  });

  test.each([
    [0, 1],
    [1, 1],
    [999, 1],
    [1000, 1],
    [1001, 2],
    [2500, 3],
  ])('Retry-After for %i ms is %i s', (ms, seconds) => {
    expect(retryAfterSeconds(ms)).toBe(seconds);
  });
});
