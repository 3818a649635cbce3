import { Hono } from 'hono';
import type { CallsService } from '../service/calls-service.js';
import { TurnKeys } from '../service/turn/turn-keys.js';
import { turnCredentialsRoute } from './routes/turn-credentials.js';

/**
 * The TURN-compatible credentials API (calls-api.md §3.9), mounted at `/v1/turn` and `/turn`.
 * It hands out the configured `iceServers`; it does not run a TURN server.
 */
export function turnRoutes(service: CallsService): Hono {
  const app = new Hono();
  turnCredentialsRoute(app, service, new TurnKeys(service.config.turnKeys));
  return app;
}
