import { Hono, type Context } from 'hono';
import {
  parseCloseTracksRequest,
  parseJsonBody,
  parseNewSessionQuery,
  parseNewSessionRequest,
  parseRenegotiateRequest,
  parseTracksRequest,
  LimitExceededError,
  SfuError,
  type ParseResult,
} from '@opencalls/protocol';
import type { CallsService } from '../service/calls-service.js';
import type { CallSession } from '../service/call-session.js';
import { sessionsNew } from '../service/ops/sessions-new.js';
import { tracksNew } from '../service/ops/tracks-new.js';
import { renegotiate } from '../service/ops/renegotiate.js';
import { tracksClose } from '../service/ops/tracks-close.js';

/**
 * The Calls routes under `/apps/:appId` (mounted at `/v1/apps/:appId` and `/apps/:appId`).
 * Each handler: authenticate → find session → rate limit → parse → run on the session's queue.
 */
export function appRoutes(service: CallsService): Hono {
  const app = new Hono();
  const maxBodyBytes = service.config.limits.maxBodyBytes;

  app.post('/sessions/new', async (c) => {
    const appId = authenticate(service, c);
    const body = await readBody(c, maxBodyBytes, parseNewSessionRequest);
    const query = parseNewSessionQuery(c.req.query());
    const res = await sessionsNew(service, { appId, thirdparty: query.thirdparty ?? false, correlationId: query.correlationId }, body);
    return c.json(res, 201);
  });

  app.post('/sessions/:sessionId/tracks/new', async (c) => {
    const call = openSession(service, c);
    const body = await readBody(c, maxBodyBytes, parseTracksRequest);
    return c.json(await call.session.enqueue(() => tracksNew(service, call, body)));
  });

  app.put('/sessions/:sessionId/renegotiate', async (c) => {
    const call = openSession(service, c);
    const body = await readBody(c, maxBodyBytes, parseRenegotiateRequest);
    return c.json(await call.session.enqueue(() => renegotiate(call, body)));
  });

  app.put('/sessions/:sessionId/tracks/close', async (c) => {
    const call = openSession(service, c);
    const body = await readBody(c, maxBodyBytes, parseCloseTracksRequest);
    return c.json(await call.session.enqueue(() => tracksClose(call, body)));
  });

  app.get('/sessions/:sessionId', (c) => {
    const call = openSession(service, c);
    return c.json(call.session.snapshot());
  });

  return app;
}

function authenticate(service: CallsService, c: Context): string {
  const appId = c.req.param('appId') ?? '';
  service.authenticate(appId, c.req.header('authorization'));
  return appId;
}

/** Authenticated, existing, not rate-limited: every call naming the session counts. */
export function openSession(service: CallsService, c: Context): CallSession {
  const appId = authenticate(service, c);
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
