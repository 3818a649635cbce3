import { isIP } from 'node:net';
import type { SfuConfig } from './config-types.js';
import { DEFAULT_CONFIG } from './defaults.js';

/** A partial config, as read from a file, flags or a test. */
export interface SfuConfigInput {
  host?: string;
  port?: number;
  apps?: SfuConfig['apps'];
  media?: Partial<SfuConfig['media']>;
  limits?: Partial<SfuConfig['limits']>;
  iceServers?: SfuConfig['iceServers'];
  turnKeys?: SfuConfig['turnKeys'];
  logLevel?: string;
}

/** Merges an input over the defaults and checks it; throws a TypeError naming the bad field. */
export function resolveConfig(input: SfuConfigInput = {}): SfuConfig {
  const limits = { ...DEFAULT_CONFIG.limits, ...input.limits };
  for (const [key, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new TypeError(`config.limits.${key} must be a positive number, got ${String(value)}`);
    }
  }
  const apps = input.apps ?? DEFAULT_CONFIG.apps;
  if (apps.length === 0) throw new TypeError('config.apps must list at least one app');
  const seen = new Set<string>();
  for (const app of apps) {
    if (!app.appId || /[/?#\s]/.test(app.appId)) throw new TypeError(`config.apps: invalid appId ${JSON.stringify(app.appId)}`);
    if (!app.secret) throw new TypeError(`config.apps: app ${app.appId} has no secret`);
    if (seen.has(app.appId)) throw new TypeError(`config.apps: duplicate appId ${app.appId}`);
    seen.add(app.appId);
  }
  const port = input.port ?? DEFAULT_CONFIG.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError(`config.port must be 0..65535, got ${port}`);
  const turnKeys = input.turnKeys ?? apps.map((a) => ({ keyId: a.appId, token: a.secret }));
  const keyIds = new Set<string>();
  for (const key of turnKeys) {
    if (!key.keyId || /[/?#\s]/.test(key.keyId)) throw new TypeError(`config.turnKeys: invalid keyId ${JSON.stringify(key.keyId)}`);
    if (!key.token) throw new TypeError(`config.turnKeys: key ${key.keyId} has no token`);
    if (keyIds.has(key.keyId)) throw new TypeError(`config.turnKeys: duplicate keyId ${key.keyId}`);
    keyIds.add(key.keyId);
  }
  for (const server of input.iceServers ?? []) {
    const urls = typeof server.urls === 'string' ? [server.urls] : server.urls;
    if (urls.length === 0 || urls.some((u) => !/^(stun|stuns|turn|turns):\S+$/.test(u))) {
      throw new TypeError(`config.iceServers: every entry needs urls of stun:, stuns:, turn: or turns: URLs, got ${JSON.stringify(server.urls)}`);
    }
  }
  const media = { ...DEFAULT_CONFIG.media, ...input.media };
  if (!Array.isArray(media.announcedAddresses) || media.announcedAddresses.some((a) => typeof a !== 'string' || a === '')) {
    throw new TypeError(`config.media.announcedAddresses must be a list of addresses, got ${JSON.stringify(media.announcedAddresses)}`);
  }
  if (media.announcedAddresses.length === 0) throw new TypeError('config.media.announcedAddresses must not be empty');
  if (isIP(media.bindAddress) === 0) {
    throw new TypeError(`config.media.bindAddress must be an IP address of this host (or 0.0.0.0 / ::), got ${JSON.stringify(media.bindAddress)}`);
  }
  if (media.rembBitrateBps !== undefined && !(Number.isFinite(media.rembBitrateBps) && media.rembBitrateBps >= 0)) {
    throw new TypeError(`config.media.rembBitrateBps must be a number ≥ 0, got ${String(media.rembBitrateBps)}`);
  }
  if (media.udpGso !== undefined && typeof media.udpGso !== 'boolean') {
    throw new TypeError(`config.media.udpGso must be true or false, got ${JSON.stringify(media.udpGso)}`);
  }
  if (media.engine !== 'native' && media.engine !== 'werift') {
    throw new TypeError(`config.media.engine must be "native" or "werift", got ${JSON.stringify(media.engine)}`);
  }
  return Object.freeze({
    host: input.host ?? DEFAULT_CONFIG.host,
    port,
    apps: Object.freeze([...apps]),
    media: Object.freeze(media),
    limits: Object.freeze(limits),
    iceServers: Object.freeze([...(input.iceServers ?? DEFAULT_CONFIG.iceServers)]),
    turnKeys: Object.freeze(turnKeys.map((k) => Object.freeze({ keyId: k.keyId, token: k.token }))),
    logLevel: input.logLevel ?? DEFAULT_CONFIG.logLevel,
  });
}
