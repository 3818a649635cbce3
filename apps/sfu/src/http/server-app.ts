import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { errorBody } from '@opencalls/protocol';
import type { CallsService } from '../service/calls-service.js';
import { errorToHttp } from '../errors-to-http.js';
import { appRoutes } from './app-routes.js';
import { asClosedSessionError } from './closed-session-errors.js';
import { demoRoutes } from './demo-routes.js';
import { turnRoutes } from './turn-routes.js';

export interface ServerAppOptions {
  /** Serve the demo page at `/` and hand its config (the first app's id and secret) to it. */
  readonly demo: boolean;
  /** The demo config only for requests naming a loopback Host (see demo-routes.ts). */
  readonly demoLoopbackHostOnly?: boolean;
}

/** The whole HTTP surface: CORS, the Calls routes with and without `/v1`, errors, demo page. */
export function serverApp(service: CallsService, options: ServerAppOptions): Hono {
  const app = new Hono();
  // CORS for the Calls API only (browser clients of any origin call it with their app secret);
  // the demo pages and their config get none.
  const apiCors = cors({
    origin: (origin) => origin || '*',
    allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type'],
    exposeHeaders: ['Retry-After'],
    maxAge: 600,
  });
  for (const prefix of ['/v1/*', '/apps/*', '/turn/*']) app.use(prefix, apiCors);
  app.onError((error, c) => {
    const http = errorToHttp(asClosedSessionError(c, error));
    if (http.status >= 500) service.logger.error({ err: error, path: c.req.path }, 'request failed');
    for (const [k, v] of Object.entries(http.headers)) c.header(k, v);
    return c.json(http.body, http.status as 500);
  });
  app.notFound((c) => c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}`), 404));

  const routes = appRoutes(service);
  app.route('/v1/apps/:appId', routes);
  app.route('/apps/:appId', routes);
  const turn = turnRoutes(service);
  app.route('/v1/turn', turn);
  app.route('/turn', turn);

  if (options.demo) demoRoutes(app, service, { loopbackHostOnly: options.demoLoopbackHostOnly ?? true });
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/healthz', (c) => c.json({ ok: true, sessions: service.sessionCount }));
  return app;
}
