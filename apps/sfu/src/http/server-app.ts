import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { errorBody } from '@opencalls/protocol';
import type { CallsService } from '../service/calls-service.js';
import { errorToHttp } from '../errors-to-http.js';
import { appRoutes } from './app-routes.js';
import { asClosedSessionError } from './closed-session-errors.js';
import { turnRoutes } from './turn-routes.js';

export interface ServerAppOptions {
  /** Serve the demo page at `/` and hand its config (the first app's id and secret) to it. */
  readonly demo: boolean;
}

const STATIC_DIR = new URL('../../static/', import.meta.url);

/** The whole HTTP surface: CORS, the Calls routes with and without `/v1`, errors, demo page. */
export function serverApp(service: CallsService, options: ServerAppOptions): Hono {
  const app = new Hono();
  app.use(
    '*',
    cors({
      origin: (origin) => origin || '*',
      allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
      allowHeaders: ['Authorization', 'Content-Type'],
      exposeHeaders: ['Retry-After'],
      maxAge: 600,
    }),
  );
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

  if (options.demo) {
    const demoApp = service.config.apps[0]!;
    const page = (name: string, type: string) => {
      const body = readFileSync(new URL(name, STATIC_DIR), 'utf8');
      return () => new Response(body, { headers: { 'content-type': type, 'cache-control': 'no-store' } });
    };
    app.get('/', page('index.html', 'text/html; charset=utf-8'));
    app.get('/calls-demo.js', page('calls-demo.js', 'text/javascript; charset=utf-8'));
    app.get('/demo/config', (c) => c.json({ appId: demoApp.appId, secret: demoApp.secret }));
  }
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/healthz', (c) => c.json({ ok: true, sessions: service.sessionCount }));
  return app;
}
