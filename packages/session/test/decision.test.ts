import { LimitExceededError, NotFoundError, SfuError } from '@opencalls/protocol';
import { describe, expect, test } from 'vitest';
import { decisionError } from '../src/index.js';
import type { Failure } from '../src/index.js';

describe('decisionError', () => {
  test.each<[Failure, abstract new (...args: never) => SfuError, object]>([
    [{ ok: false, code: 'not_found', description: 'App x not found' }, NotFoundError, { code: 'not_found' }],
    [{ ok: false, code: 'unauthorized', description: 'bad' }, SfuError, { code: 'unauthorized' }],
    [
      { ok: false, code: 'rate_limited', limit: 'calls_per_second', retryAfterMs: 700, description: 'slow down' },
      LimitExceededError,
      { code: 'rate_limited', limit: 'calls_per_second', retryAfterMs: 700 },
    ],
    [
      { ok: false, code: 'invalid_params', limit: 'tracks_per_call', count: 65, max: 64, description: 'too many' },
      LimitExceededError,
      { code: 'invalid_params', limit: 'tracks_per_call' },
    ],
    [
      { ok: false, code: 'session_error', reason: 'not_connected', description: 'wait' },
      SfuError,
      { code: 'session_error', sessionReason: 'not_connected' },
    ],
    [
      { ok: false, code: 'session_error', reason: 'gone', closeReason: 'expired', description: 'gone' },
      SfuError,
      { code: 'session_error', sessionReason: 'gone' },
    ],
  ])('%o', (failure, cls, fields) => {
    const error = decisionError(failure);
    expect(error).toBeInstanceOf(cls);
    expect(error).toMatchObject(fields);
    expect(error.message).toBe(failure.description);
  });
});
