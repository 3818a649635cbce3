import type { Hono } from 'hono';
import { parseUpdateDataChannelsRequest } from '@opencalls/protocol';
import type { CallsService } from '../../service/calls-service.js';
import { datachannelsUpdate } from '../../service/ops/datachannels-update.js';
import { openSession, readBody } from '../route-helpers.js';

/** PUT /apps/:appId/sessions/:sessionId/datachannels/update */
export function datachannelsUpdateRoute(app: Hono, service: CallsService): void {
  app.put('/sessions/:sessionId/datachannels/update', async (c) => {
    const call = openSession(service, c);
    const body = await readBody(c, service.config.limits.maxBodyBytes, parseUpdateDataChannelsRequest);
    return c.json(await call.session.enqueue(() => datachannelsUpdate(service, call, body)));
  });
}
