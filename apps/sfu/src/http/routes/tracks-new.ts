import type { Hono } from 'hono';
import { parseTracksRequest } from '@opencalls/protocol';
import type { CallsService } from '../../service/calls-service.js';
import { tracksNew } from '../../service/ops/tracks-new.js';
import { openSession, readBody } from '../route-helpers.js';

/** POST /apps/:appId/sessions/:sessionId/tracks/new */
export function tracksNewRoute(app: Hono, service: CallsService): void {
  app.post('/sessions/:sessionId/tracks/new', async (c) => {
    const call = openSession(service, c);
    const body = await readBody(c, service.config.limits.maxBodyBytes, parseTracksRequest);
    return c.json(await call.session.enqueue(() => tracksNew(service, call, body)));
  });
}
