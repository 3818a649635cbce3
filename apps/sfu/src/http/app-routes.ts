import { Hono } from 'hono';
import type { CallsService } from '../service/calls-service.js';
import { renegotiateRoute } from './routes/renegotiate.js';
import { sessionGetRoute } from './routes/session-get.js';
import { sessionsNewRoute } from './routes/sessions-new.js';
import { tracksCloseRoute } from './routes/tracks-close.js';
import { tracksNewRoute } from './routes/tracks-new.js';
import { tracksUpdateRoute } from './routes/tracks-update.js';
import { datachannelsCloseRoute } from './routes/datachannels-close.js';
import { datachannelsEstablishRoute } from './routes/datachannels-establish.js';
import { datachannelsNewRoute } from './routes/datachannels-new.js';
import { datachannelsUpdateRoute } from './routes/datachannels-update.js';

/** One registration per Calls endpoint (one file each in `routes/`). */
const ROUTES: readonly ((app: Hono, service: CallsService) => void)[] = [
  sessionsNewRoute,
  tracksNewRoute,
  renegotiateRoute,
  tracksCloseRoute,
  tracksUpdateRoute,
  datachannelsEstablishRoute,
  datachannelsNewRoute,
  datachannelsUpdateRoute,
  datachannelsCloseRoute,
  sessionGetRoute,
];

/**
 * The Calls routes under `/apps/:appId` (mounted at `/v1/apps/:appId` and `/apps/:appId`).
 * Each handler: authenticate → find session → rate limit → parse → run on the session's queue.
 */
export function appRoutes(service: CallsService): Hono {
  const app = new Hono();
  for (const register of ROUTES) register(app, service);
  return app;
}
