import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { NativeError } from '@opencalls/protocol';
import pino, { type Logger } from 'pino';
import { resolveConfig, type SfuConfigInput } from './config/resolve-config.js';
import { mediaBindError, probeMediaBind } from './config/probe-media-bind.js';
import type { SfuConfig } from './config/config-types.js';
import { serverApp } from './http/server-app.js';
import { isLoopbackHost } from './loopback-host.js';
import { CallsService } from './service/calls-service.js';

export interface SfuOptions extends SfuConfigInput {
  /**
   * Serve the demo page, which hands the first app's secret to the browser. Default: only when the
   * HTTP host is a loopback address, so a server reachable from a network never gives it away.
   */
  readonly demo?: boolean;
  readonly logger?: Logger;
}

export interface Sfu {
  /** Whether the demo page is served. */
  readonly demo: boolean;
  readonly config: SfuConfig;
  readonly service: CallsService;
  readonly fetch: (request: Request) => Response | Promise<Response>;
  listen(): Promise<{ url: string; port: number }>;
  close(): Promise<void>;
}

/** The server as a library: `createSfu(config).listen()`. */
export function createSfu(options: SfuOptions = {}): Sfu {
  const config = resolveConfig(options);
  const logger = options.logger ?? pino({ level: config.logLevel, base: { svc: 'opencalls' } });
  const service = createService(config, logger);
  const demo = options.demo ?? isLoopbackHost(config.host);
  const app = serverApp(service, { demo, demoLoopbackHostOnly: options.demo === undefined || isLoopbackHost(config.host) });
  let server: ServerType | undefined;
  let closed = false;
  return {
    config,
    demo,
    service,
    fetch: (request) => app.fetch(request),
    async listen() {
      await probeMediaBind(config.media.bindAddress);
      return new Promise((resolve, reject) => {
        const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info: AddressInfo) => {
          const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
          resolve({ url: `http://${host}:${info.port}`, port: info.port });
        });
        s.once('error', reject);
        server = s;
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        if (!server) return resolve();
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await service.close();
    },
  };
}

/** The service; engine native opens its media socket here, so a bind failure names the setting. */
function createService(config: SfuConfig, logger: Logger): CallsService {
  try {
    return new CallsService({ config, logger });
  } catch (error) {
    if (error instanceof NativeError && error.nativeCode === 'io_error') throw mediaBindError(config.media.bindAddress, error.message);
    throw error;
  }
}
