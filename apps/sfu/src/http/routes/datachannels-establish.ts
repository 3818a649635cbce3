import type { Hono } from 'hono';
import { parseEstablishDataChannelsRequest } from '@opencalls/protocol';
import type { CallsService } from '../../service/calls-service.js';
import { datachannelsEstablish } from '../../service/ops/datachannels-establish.js';
import { openSession, readBody } from '../route-helpers.js';

/** POST /apps/:appId/sessions/:sessionId/datachannels/establish */
export function datachannelsEstablishRoute(app: Hono, service: CallsService): void {
  app.post('/sessions/:sessionId/datachannels/establish', async (c) => {
    const call = openSession(service, c);
    const body = await readBody(c, service.config.limits.maxBodyBytes, parseEstablishDataChannelsRequest);
    return c.json(await call.session.enqueue(() => datachannelsEstablish(service, call, body)));
  });
}
