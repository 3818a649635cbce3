import type { Hono } from 'hono';
import { parseRenegotiateRequest } from '@opencalls/protocol';
import type { CallsService } from '../../service/calls-service.js';
import { renegotiate } from '../../service/ops/renegotiate.js';
import { openSession, readBody } from '../route-helpers.js';

/** PUT /apps/:appId/sessions/:sessionId/renegotiate */
export function renegotiateRoute(app: Hono, service: CallsService): void {
  app.put('/sessions/:sessionId/renegotiate', async (c) => {
    const call = openSession(service, c);
    const body = await readBody(c, service.config.limits.maxBodyBytes, parseRenegotiateRequest);
    return c.json(await call.session.enqueue(() => renegotiate(call, body)));
  });
}
