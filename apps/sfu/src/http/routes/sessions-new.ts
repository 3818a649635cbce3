import type { Hono } from 'hono';
import { parseNewSessionQuery, parseNewSessionRequest } from '@opencalls/protocol';
import type { CallsService } from '../../service/calls-service.js';
import { sessionsNew } from '../../service/ops/sessions-new.js';
import { authenticateApp, readBody } from '../route-helpers.js';

/** POST /apps/:appId/sessions/new → 201 {sessionId[, sessionDescription]} */
export function sessionsNewRoute(app: Hono, service: CallsService): void {
  app.post('/sessions/new', async (c) => {
    const appId = authenticateApp(service, c);
    const body = await readBody(c, service.config.limits.maxBodyBytes, parseNewSessionRequest);
    const query = parseNewSessionQuery(c.req.query());
    const res = await sessionsNew(service, { appId, thirdparty: query.thirdparty, correlationId: query.correlationId }, body);
    return c.json(res, 201);
  });
}
