/**
 * Apps and their secrets; authenticates `Authorization: Bearer <secret>` (calls-api.md §1).
 * Secrets stay inside the registry: the `App` handed out carries no secret.
 */
import type { AuthFailure } from './decision.js';

/** How an app is configured. */
export interface AppConfig {
  readonly appId: string;
  readonly secret: string;
  readonly name?: string | undefined;
}

/** An app as the rest of the server sees it. */
export interface App {
  readonly appId: string;
  readonly name: string | undefined;
}

export type AppAuthDecision = { readonly ok: true; readonly app: App } | AuthFailure;

interface AppEntry {
  readonly app: App;
  readonly secret: Uint8Array;
}

const encoder = new TextEncoder();
/** `Bearer` (any case), then one or more spaces or tabs (RFC 9110 §11.4); the rest is the token. */
const BEARER_PREFIX = /^bearer[ \t]+/i;

export class AppRegistry {
  readonly #apps = new Map<string, AppEntry>();

  constructor(apps: Iterable<AppConfig> = []) {
    for (const app of apps) this.add(app);
  }

  get size(): number {
    return this.#apps.size;
  }

  /** Registers an app. Throws on an empty id or secret, or an id already registered. */
  add(config: AppConfig): App {
    if (typeof config.appId !== 'string' || config.appId.length === 0) {
      throw new TypeError('AppRegistry.add(): appId must be a non-empty string');
    }
    if (typeof config.secret !== 'string' || config.secret.length === 0) {
      throw new TypeError(`AppRegistry.add(): app "${config.appId}" needs a non-empty secret`);
    }
    if (this.#apps.has(config.appId)) {
      throw new TypeError(`AppRegistry.add(): app "${config.appId}" is already registered`);
    }
    const app: App = Object.freeze({ appId: config.appId, name: config.name });
    this.#apps.set(config.appId, { app, secret: encoder.encode(config.secret) });
    return app;
  }

  remove(appId: string): boolean {
    return this.#apps.delete(appId);
  }

  get(appId: string): App | undefined {
    return this.#apps.get(appId)?.app;
  }

  has(appId: string): boolean {
    return this.#apps.has(appId);
  }

  list(): App[] {
    return [...this.#apps.values()].map((entry) => entry.app);
  }

  /**
   * Checks the app exists (`not_found` otherwise, as Calls does for an unknown appId), then that
   * `authorizationHeader` is `Bearer <its secret>` (`unauthorized` otherwise, including a missing
   * header or another scheme). The secret comparison takes time that depends only on the length
   * of the presented token, never on the secret's content or length.
   */
  authenticate(appId: string, authorizationHeader: string | null | undefined): AppAuthDecision {
    const entry = this.#apps.get(appId);
    if (!entry) return { ok: false, code: 'not_found', description: `App ${appId} not found` };
    if (typeof authorizationHeader !== 'string' || authorizationHeader.length === 0) {
      return { ok: false, code: 'unauthorized', description: 'Missing Authorization header' };
    }
    const token = parseBearer(authorizationHeader);
    if (token === undefined) {
      return { ok: false, code: 'unauthorized', description: 'Authorization header must be "Bearer <app secret>"' };
    }
    if (!constantTimeEqual(encoder.encode(token), entry.secret)) {
      return { ok: false, code: 'unauthorized', description: 'Invalid app secret' };
    }
    return { ok: true, app: entry.app };
  }
}

/** The token of a `Bearer` header (surrounding whitespace ignored), or undefined. Linear time. */
function parseBearer(header: string): string | undefined {
  const trimmed = header.trim();
  const prefix = BEARER_PREFIX.exec(trimmed);
  if (!prefix) return undefined;
  const token = trimmed.slice(prefix[0].length);
  return token.length > 0 ? token : undefined;
}

/**
 * Constant-time byte comparison, portable (no node:crypto). The loop runs over `presented` only,
 * reading `expected` cyclically, so timing reveals neither the secret's bytes nor its length.
 * `expected` must not be empty.
 */
export function constantTimeEqual(presented: Uint8Array, expected: Uint8Array): boolean {
  let diff = presented.length ^ expected.length;
  const n = expected.length;
  for (let i = 0; i < presented.length; i++) {
    diff |= (presented[i] as number) ^ (expected[i % n] as number);
  }
  return diff === 0 && n > 0;
}
