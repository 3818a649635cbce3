import { readFileSync } from 'node:fs';
import type { Context, Hono } from 'hono';
import { errorBody } from '@opencalls/protocol';
import { isLoopbackHost } from '../loopback-host.js';
import type { CallsService } from '../service/calls-service.js';

const STATIC_DIR = new URL('../../static/', import.meta.url);

export interface DemoRoutesOptions {
  /**
   * Only answer requests whose Host is a loopback name or address (the default on a loopback
   * HTTP host: a DNS-rebinding page whose name resolves to 127.0.0.1 still sends its own name).
   * Off when the operator turned the demo on for a server reachable from a network (`--demo`).
   */
  readonly loopbackHostOnly: boolean;
}

/**
 * The demo page at `/`, its script, and `/demo/config`, which hands the page the first app's id
 * and secret. No CORS on any of them, and the config goes only to a same-origin request on an
 * allowed Host: another site open in the same browser must not read the secret.
 */
export function demoRoutes(app: Hono, service: CallsService, options: DemoRoutesOptions): void {
  const demoApp = service.config.apps[0]!;
  const page = (name: string, type: string) => {
    const body = readFileSync(new URL(name, STATIC_DIR), 'utf8');
    return () => new Response(body, { headers: { 'content-type': type, 'cache-control': 'no-store' } });
  };
  app.get('/', page('index.html', 'text/html; charset=utf-8'));
  app.get('/calls-demo.js', page('calls-demo.js', 'text/javascript; charset=utf-8'));
  app.get('/demo/config', (c) => {
    const refusal = refuseDemoConfig(c, options);
    if (refusal) return c.json(errorBody('unauthorized', refusal), 403);
    c.header('cache-control', 'no-store');
    return c.json({ appId: demoApp.appId, secret: demoApp.secret });
  });
}

/** Why this request may not have the demo config, or undefined when it may. */
function refuseDemoConfig(c: Context, options: DemoRoutesOptions): string | undefined {
  const host = c.req.header('host') ?? new URL(c.req.url).host;
  if (options.loopbackHostOnly && !isLoopbackHost(hostname(host))) {
    return `The demo config is served on a loopback host only (this request named ${JSON.stringify(host)})`;
  }
  const origin = c.req.header('origin');
  if (origin !== undefined && origin !== `http://${host}` && origin !== `https://${host}`) {
    return 'The demo config is served to the demo page of this server only (cross-origin request refused)';
  }
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return 'The demo config is served to the demo page of this server only (cross-site request refused)';
  }
  return undefined;
}

/** A Host header's name or address without the port (`[::1]` keeps its brackets); '' if malformed. */
function hostname(host: string): string {
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return '';
  }
}
