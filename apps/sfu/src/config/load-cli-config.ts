import type { SfuConfigInput } from './resolve-config.js';
import { DEFAULT_APP_ID, DEFAULT_APP_SECRET } from './defaults.js';
import { readConfigFile } from './read-config-file.js';

export interface CliValues {
  host?: string | undefined;
  port?: string | undefined;
  'app-id'?: string | undefined;
  'app-secret'?: string | undefined;
  announce?: string | undefined;
  bind?: string | undefined;
  'port-range'?: string | undefined;
  engine?: string | undefined;
  config?: string | undefined;
  demo?: boolean | undefined;
  'no-demo'?: boolean | undefined;
  'log-level'?: string | undefined;
}

/** Flags over environment over config file over defaults. Throws with a readable message. */
export function loadCliConfig(values: CliValues, env: NodeJS.ProcessEnv): { input: SfuConfigInput; demo: boolean | undefined } {
  const file = values.config ?? env.OPENCALLS_CONFIG;
  const base: SfuConfigInput = file ? readConfigFile(file) : {};
  const pick = (flag: string | undefined, name: string): string | undefined => flag ?? env[name];
  const port = pick(values.port, 'OPENCALLS_PORT');
  const appId = pick(values['app-id'], 'OPENCALLS_APP_ID');
  const secret = pick(values['app-secret'], 'OPENCALLS_APP_SECRET');
  const announce = pick(values.announce, 'OPENCALLS_ANNOUNCE');
  const bind = pick(values.bind, 'OPENCALLS_BIND');
  const range = pick(values['port-range'], 'OPENCALLS_PORT_RANGE');
  const input: SfuConfigInput = { ...base, media: { ...base.media } };
  const host = pick(values.host, 'OPENCALLS_HOST');
  if (host) input.host = host;
  if (port !== undefined) {
    const n = Number(port);
    if (!Number.isInteger(n)) throw new Error(`--port must be a number, got ${port}`);
    input.port = n;
  }
  if (appId || secret || !base.apps) {
    input.apps = [{ appId: appId ?? DEFAULT_APP_ID, secret: secret ?? DEFAULT_APP_SECRET, name: 'default' }, ...(base.apps ?? [])];
  }
  if (announce) input.media = { ...input.media, announcedAddresses: announce.split(',').map((s) => s.trim()).filter(Boolean) };
  if (bind) input.media = { ...input.media, bindAddress: bind };
  if (range) {
    const m = /^(\d+)-(\d+)$/.exec(range);
    if (!m) throw new Error(`--port-range must look like 40000-49999, got ${range}`);
    input.media = { ...input.media, portRange: [Number(m[1]), Number(m[2])] };
  }
  const engine = pick(values.engine, 'OPENCALLS_ENGINE');
  if (engine !== undefined) {
    if (engine !== 'native' && engine !== 'werift') throw new Error(`--engine must be native or werift, got ${engine}`);
    input.media = { ...input.media, engine };
  }
  const level = pick(values['log-level'], 'OPENCALLS_LOG_LEVEL');
  if (level) input.logLevel = level;
  return { input, demo: values['no-demo'] ? false : values.demo ? true : undefined };
}
