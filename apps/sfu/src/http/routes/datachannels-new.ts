import type { Hono } from 'hono';
import { parseDataChannelsRequest } from '@opencalls/protocol';
import type { CallsService } from '../../service/calls-service.js';
import { datachannelsNew } from '../../service/ops/datachannels-new.js';
import { openSession, readBody } from '../route-helpers.js';

/** POST /apps/:appId/sessions/:sessionId/datachannels/new */
export function datachannelsNewRoute(app: Hono, service: CallsService): void {
  app.post('/sessions/:sessionId/datachannels/new', async (c) => {
    const call = openSession(service, c);
    const body = await readBody(c, service.config.limits.maxBodyBytes, parseDataChannelsRequest);
    return c.json(await call.session.enqueue(() => datachannelsNew(service, call, body)));
  });
}
