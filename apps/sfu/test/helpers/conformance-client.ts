import { expect } from 'vitest';
import { parseErrorResponse, parseGenerateIceServersResponse } from '@opencalls/protocol';
import { assertMatchesOfficialSchema } from '@opencalls/conformance';

/** The official schema's path templates (calls-openapi.yaml) of the endpoints the SFU serves. */
export const OFFICIAL_PATHS = {
  sessionsNew: '/apps/{appId}/sessions/new',
  tracksNew: '/apps/{appId}/sessions/{sessionId}/tracks/new',
  renegotiate: '/apps/{appId}/sessions/{sessionId}/renegotiate',
  tracksClose: '/apps/{appId}/sessions/{sessionId}/tracks/close',
  session: '/apps/{appId}/sessions/{sessionId}',
} as const;

export type OfficialOperation = keyof typeof OFFICIAL_PATHS;

export interface Reply<T = Record<string, any>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

export interface RequestOptions {
  readonly body?: unknown;
  /** Sent as is (no JSON.stringify). */
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  /** Serve through `/v1/apps/…` (default) or `/apps/…`. */
  readonly v1?: boolean;
  /** Appended to the path as is, e.g. `?streamDebug`. */
  readonly query?: string;
  /** `null` sends no Authorization header; default the app's secret. */
  readonly secret?: string | null;
}

/**
 * A Calls client for the conformance suite: EVERY response it receives is validated — against
 * Cloudflare's official schema for the operation (request errors included: their bodies fall back
 * to the operation's documented body, which allows `errorCode`/`errorDescription`), and, for error
 * statuses, against the exact `{errorCode, errorDescription}` shape. `sessions/new` errors have no
 * official body (its 201 body requires `sessionId`), so only the exact error shape is checked.
 */
export class ConformanceClient {
  readonly baseUrl: string;
  readonly appId: string;
  readonly secret: string;
  /** Responses validated so far, by `METHOD path status` (may be shared between clients). */
  readonly validated: Map<string, number>;

  constructor(baseUrl: string, appId: string, secret: string, validated = new Map<string, number>()) {
    this.baseUrl = baseUrl;
    this.appId = appId;
    this.secret = secret;
    this.validated = validated;
  }

  async request<T = Record<string, any>>(op: OfficialOperation, method: string, path: string, options: RequestOptions = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const secret = options.secret === undefined ? this.secret : options.secret;
    if (secret !== null) headers.authorization = `Bearer ${secret}`;
    const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const prefix = options.v1 === false ? '' : '/v1';
    const res = await fetch(`${this.baseUrl}${prefix}/apps/${this.appId}${path}${options.query ?? ''}`, { method, headers, body });
    const text = await res.text();
    const parsed = JSON.parse(text) as T;
    this.check(op, method, res.status, parsed);
    return { status: res.status, headers: res.headers, body: parsed };
  }

  /** Validates one response body (see the class comment). */
  check(op: OfficialOperation, method: string, status: number, body: unknown): void {
    const isError = status >= 400;
    if (isError) {
      const shape = parseErrorResponse(body);
      expect(shape.ok, `${method} ${op} ${status}: ${JSON.stringify(body)} is not {errorCode, errorDescription}`).toBe(true);
    }
    if (!(op === 'sessionsNew' && isError)) {
      assertMatchesOfficialSchema({ path: OFFICIAL_PATHS[op], method, status, body });
    }
    const key = `${method.toUpperCase()} ${OFFICIAL_PATHS[op]} ${status}`;
    this.validated.set(key, (this.validated.get(key) ?? 0) + 1);
  }

  newSession(
    options: RequestOptions = {},
  ): Promise<Reply<{ sessionId: string; sessionDescription?: { type: string; sdp: string }; errorCode?: string; errorDescription?: string }>> {
    return this.request('sessionsNew', 'POST', '/sessions/new', options);
  }

  tracksNew(sessionId: string, body: unknown, options: RequestOptions = {}): Promise<Reply> {
    return this.request('tracksNew', 'POST', `/sessions/${sessionId}/tracks/new`, { ...options, body });
  }

  renegotiate(sessionId: string, sdp: string, options: RequestOptions = {}): Promise<Reply> {
    return this.request('renegotiate', 'PUT', `/sessions/${sessionId}/renegotiate`, {
      ...options,
      body: { sessionDescription: { type: 'answer', sdp } },
    });
  }

  tracksClose(sessionId: string, body: unknown, options: RequestOptions = {}): Promise<Reply> {
    return this.request('tracksClose', 'PUT', `/sessions/${sessionId}/tracks/close`, { ...options, body });
  }

  getSession(sessionId: string, options: RequestOptions = {}): Promise<Reply> {
    return this.request('session', 'GET', `/sessions/${sessionId}`, options);
  }

  /** The TURN API is not in the official schema: its body is checked with the protocol validator. */
  async generateIceServers(keyId: string, token: string, v1 = true): Promise<Reply> {
    const res = await fetch(`${this.baseUrl}${v1 ? '/v1' : ''}/turn/keys/${keyId}/credentials/generate-ice-servers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ ttl: 86400 }),
    });
    const body = (await res.json()) as Record<string, any>;
    if (res.status >= 400) expect(parseErrorResponse(body).ok).toBe(true);
    else expect(parseGenerateIceServersResponse(body).ok).toBe(true);
    const key = `POST /turn/keys/{keyId}/credentials/generate-ice-servers ${res.status}`;
    this.validated.set(key, (this.validated.get(key) ?? 0) + 1);
    return { status: res.status, headers: res.headers, body };
  }
}
