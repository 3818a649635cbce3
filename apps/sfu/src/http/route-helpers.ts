import type { Context } from 'hono';
import { LimitExceededError, parseJsonBody, SfuError, type ParseResult } from '@opencalls/protocol';
import type { CallsService } from '../service/calls-service.js';
import type { CallSession } from '../service/call-session.js';

/** The app named in the URL, authenticated by its Bearer secret. */
export function authenticateApp(service: CallsService, c: Context): string {
  const appId = c.req.param('appId') ?? '';
  service.authenticate(appId, c.req.header('authorization'));
  return appId;
}

/** Authenticated, existing, not rate-limited: every call naming the session counts. */
export function openSession(service: CallsService, c: Context): CallSession {
  const appId = authenticateApp(service, c);
  const call = service.lookup(appId, c.req.param('sessionId') ?? '');
  const rate = call.session.tryCall();
  if (!rate.ok) {
    throw new LimitExceededError('calls_per_second', 'rate_limited', rate.description, { retryAfterMs: rate.retryAfterMs });
  }
  return call;
}

/** The body as text, parsed as JSON whatever the Content-Type, then validated. */
export async function readBody<T>(c: Context, maxBytes: number, parse: (body: unknown) => ParseResult<T>): Promise<T> {
  const text = await c.req.text();
  if (Buffer.byteLength(text) > maxBytes) {
    throw new LimitExceededError('payload_size', 'payload_too_large', `Request body is larger than ${maxBytes} bytes`);
  }
  const json = parseJsonBody(text);
  if (!json.ok) throw json.error;
  const parsed = parse(json.value);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

export { SfuError };
