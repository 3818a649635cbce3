import type { Hono } from 'hono';
import { parseCloseTracksRequest } from '@opencalls/protocol';
import type { CallsService } from '../../service/calls-service.js';
import { tracksClose } from '../../service/ops/tracks-close.js';
import { openSession, readBody } from '../route-helpers.js';

/** PUT /apps/:appId/sessions/:sessionId/tracks/close */
export function tracksCloseRoute(app: Hono, service: CallsService): void {
  app.put('/sessions/:sessionId/tracks/close', async (c) => {
    const call = openSession(service, c);
    const body = await readBody(c, service.config.limits.maxBodyBytes, parseCloseTracksRequest);
    return c.json(await call.session.enqueue(() => tracksClose(call, body)));
  });
}
