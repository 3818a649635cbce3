import type { Hono } from 'hono';
import type { CallsService } from '../../service/calls-service.js';
import { openSession } from '../route-helpers.js';

/** GET /apps/:appId/sessions/:sessionId → {tracks, dataChannels} */
export function sessionGetRoute(app: Hono, service: CallsService): void {
  app.get('/sessions/:sessionId', (c) => c.json(openSession(service, c).session.snapshot()));
}
