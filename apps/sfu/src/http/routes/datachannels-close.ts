import type { Hono } from 'hono';
import { parseCloseDataChannelsRequest } from '@opencalls/protocol';
import type { CallsService } from '../../service/calls-service.js';
import { datachannelsClose } from '../../service/ops/datachannels-close.js';
import { openSession, readBody } from '../route-helpers.js';

/** PUT /apps/:appId/sessions/:sessionId/datachannels/close */
export function datachannelsCloseRoute(app: Hono, service: CallsService): void {
  app.put('/sessions/:sessionId/datachannels/close', async (c) => {
    const call = openSession(service, c);
    const body = await readBody(c, service.config.limits.maxBodyBytes, parseCloseDataChannelsRequest);
    return c.json(await call.session.enqueue(() => datachannelsClose(call, body)));
  });
}
