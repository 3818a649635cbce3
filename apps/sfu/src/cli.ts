#!/usr/bin/env node
/**
 * `opencalls`: starts the SFU with an embedded default app (printed at start), the demo page at
 * `/`, media candidates on 127.0.0.1 unless told otherwise.
 *
 *   opencalls [--host 127.0.0.1] [--port 8787] [--app-id ID] [--app-secret SECRET]
 *             [--announce ADDR[,ADDR]] [--bind ADDR] [--port-range MIN-MAX] [--config FILE]
 *             [--no-demo] [--log-level info]
 *
 * Every flag has an environment variable: OPENCALLS_HOST, OPENCALLS_PORT, OPENCALLS_APP_ID,
 * OPENCALLS_APP_SECRET, OPENCALLS_ANNOUNCE, OPENCALLS_BIND, OPENCALLS_PORT_RANGE,
 * OPENCALLS_CONFIG, OPENCALLS_LOG_LEVEL.
 */
import { parseArgs } from 'node:util';
import { createSfu } from './create-sfu.js';
import { loadCliConfig } from './config/load-cli-config.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    // `pnpm start -- --help` passes the `--` through; it only separates pnpm's options from ours.
    args: process.argv.slice(2).filter((arg, i) => i > 0 || arg !== '--'),
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'app-id': { type: 'string' },
      'app-secret': { type: 'string' },
      announce: { type: 'string' },
      bind: { type: 'string' },
      'port-range': { type: 'string' },
      engine: { type: 'string' },
      config: { type: 'string' },
      demo: { type: 'boolean' },
      'no-demo': { type: 'boolean' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const { input, demo } = loadCliConfig(values, process.env);
  const sfu = createSfu({ ...input, ...(demo === undefined ? {} : { demo }) });
  const { url } = await sfu.listen();
  const app = sfu.config.apps[0]!;
  const lines = [
    '',
    `  OpenCalls SFU listening on ${url}`,
    sfu.demo ? `  Demo page:        ${url}/` : undefined,
    `  Calls base URL:   ${url}/v1   (point your client's base URL here)`,
    `  App id:           ${app.appId}`,
    `  App secret:       ${app.secret}`,
    sfu.config.apps.length > 1
      ? `  Other apps:       ${sfu.config.apps.slice(1).map((a) => a.appId).join(', ')} (secrets in the config)`
      : undefined,
    `  Media candidates: ${sfu.config.media.announcedAddresses.join(', ')}`,
    sfu.config.media.engine === 'native'
      ? `  Media engine:     native (one UDP port for every session: ${sfu.service.engine.mediaPort})`
      : '  Media engine:     werift (a UDP port per session)',
    '',
  ].filter((l) => l !== undefined);
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = async (signal: string): Promise<void> => {
    process.stdout.write(`\n${signal}: closing sessions…\n`);
    await sfu.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

const HELP = `opencalls — a self-hosted SFU speaking the Cloudflare Calls HTTPS API

Options (environment variable in brackets):
  --host ADDR            HTTP listen address (OPENCALLS_HOST, default 127.0.0.1)
  --port N               HTTP port (OPENCALLS_PORT, default 8787)
  --app-id ID            the embedded app's id (OPENCALLS_APP_ID)
  --app-secret SECRET    the embedded app's Bearer secret (OPENCALLS_APP_SECRET)
  --announce A[,B]       addresses put in ICE candidates (OPENCALLS_ANNOUNCE, default 127.0.0.1)
  --bind ADDR            media socket bind address (OPENCALLS_BIND, default 127.0.0.1)
  --port-range MIN-MAX   media UDP port range (OPENCALLS_PORT_RANGE)
  --engine native|werift media engine (OPENCALLS_ENGINE): native = Rust socket, SRTP and routing
  --config FILE          JSON config file (OPENCALLS_CONFIG); flags override it
  --demo / --no-demo     serve the demo page, which shows the app secret to the browser
                         (default: only when --host is a loopback address)
  --log-level LEVEL      pino level (OPENCALLS_LOG_LEVEL, default info)
`;

main().catch((error: unknown) => {
  process.stderr.write(`opencalls: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
