import type { Hono } from 'hono';
import { parseUpdateTracksRequest } from '@opencalls/protocol';
import type { CallsService } from '../../service/calls-service.js';
import { tracksUpdate } from '../../service/ops/tracks-update.js';
import { openSession, readBody } from '../route-helpers.js';

/** PUT /apps/:appId/sessions/:sessionId/tracks/update */
export function tracksUpdateRoute(app: Hono, service: CallsService): void {
  app.put('/sessions/:sessionId/tracks/update', async (c) => {
    const call = openSession(service, c);
    const body = await readBody(c, service.config.limits.maxBodyBytes, parseUpdateTracksRequest);
    return c.json(await call.session.enqueue(() => tracksUpdate(service, call, body)));
  });
}
