import type { Context } from 'hono';
import { LimitExceededError, parseJsonBody, SfuError, type ParseResult } from '@opencalls/protocol';
import type { CallsService } from '../service/calls-service.js';
import type { CallSession } from '../service/call-session.js';
import { readTextWithin } from './body-limit.js';
import { rememberRequestSession } from './closed-session-errors.js';

/** The app named in the URL, authenticated by its Bearer secret. */
export function authenticateApp(service: CallsService, c: Context): string {
  const appId = c.req.param('appId') ?? '';
  service.authenticate(appId, c.req.header('authorization'));
  return appId;
}

/**
 * Authenticated, existing, not rate-limited: every call naming the session counts (GET too, and
 * calls that then fail), 50/s per session by default; over it → 429 `rate_limited` with
 * `Retry-After` in whole seconds. A session that is gone answers 410 before it is counted.
 *
 * What the route does next with a mutation (tracks/new, tracks/update, tracks/close, renegotiate,
 * datachannels/*) is `call.session.enqueue(…)`: one negotiation at a time per session, FIFO.
 * Overlapping mutations are queued, not refused: a client that fires a second call before the
 * first has answered gets it run right after the first, seeing its result; an SFU offer from the
 * later call covers the earlier one's sections too and supersedes it (answer the latest offer).
 * Calls may answer such an overlap with 406 (calls-api.md §4/§5); we queue because the clients
 * that serialize anyway (partytracks' FIFO) see no difference, while a client that does overlap
 * gets its work done instead of an error it would have to retry in the same order. The queue is
 * bounded by the rate limit, and each queued call by its own connect wait (`connectWaitMs`).
 */
export function openSession(service: CallsService, c: Context): CallSession {
  const appId = authenticateApp(service, c);
  const call = service.lookup(appId, c.req.param('sessionId') ?? '');
  const rate = call.session.tryCall();
  if (!rate.ok) {
    throw new LimitExceededError('calls_per_second', 'rate_limited', rate.description, { retryAfterMs: rate.retryAfterMs });
  }
  rememberRequestSession(c, call);
  return call;
}

/** The body as text, parsed as JSON whatever the Content-Type, then validated. */
export async function readBody<T>(c: Context, maxBytes: number, parse: (body: unknown) => ParseResult<T>): Promise<T> {
  const text = await readTextWithin(c.req.raw, maxBytes);
  const json = parseJsonBody(text);
  if (!json.ok) throw json.error;
  const parsed = parse(json.value);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

export { SfuError };
