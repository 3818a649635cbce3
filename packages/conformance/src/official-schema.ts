/**
 * Checks bodies against Cloudflare's official Calls OpenAPI schema, the verbatim copy kept in
 * packages/protocol/test/fixtures/calls-openapi.yaml (see SOURCE.md there). Node only.
 *
 * Status fallback: when the operation lists no response for the given status (the schema lists
 * only 200/201 for every session path, so e.g. a 406 from `tracks/new` is not described), the
 * body is checked against the operation's `default` response if it has one, otherwise against its
 * first listed 2xx response (200, or 201 for `sessions/new`). Those schemas all allow top-level
 * `errorCode`/`errorDescription`, which is how Calls reports request errors. The result says which
 * status was used (`checkedStatus`).
 */

import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { parse } from 'yaml';
import { toJsonSchema } from './openapi-to-json-schema.js';

type Json = Record<string, unknown>;

/** The fixture, found relative to this file (src/ and dist/ sit at the same depth). */
const FIXTURE_URL = new URL('../../protocol/test/fixtures/calls-openapi.yaml', import.meta.url);

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
export type HttpMethodName = (typeof HTTP_METHODS)[number];

let cachedDoc: Json | undefined;

/** The parsed official OpenAPI document (parsed once; do not mutate). */
export function loadOfficialSchema(): Readonly<Json> {
  cachedDoc ??= parse(readFileSync(FIXTURE_URL, 'utf8')) as Json;
  return cachedDoc;
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function child(value: unknown, key: string): Json | undefined {
  if (!isObject(value)) return undefined;
  const next = value[key];
  return isObject(next) ? next : undefined;
}

// ---------------------------------------------------------------------------------------------
// Examples
// ---------------------------------------------------------------------------------------------

export interface OfficialExample {
  /** `"POST /apps/{appId}/sessions/{sessionId}/tracks/new"`. */
  readonly operation: string;
  readonly method: HttpMethodName;
  readonly path: string;
  readonly kind: 'request' | 'response';
  /** The response status as a number (`undefined` for request examples). */
  readonly status: number | undefined;
  /** The key under `examples`, or `example` / `schema.example` / `schema.allOf[i].example`. */
  readonly name: string;
  readonly value: unknown;
}

function mediaExamples(media: Json): { name: string; value: unknown }[] {
  const out: { name: string; value: unknown }[] = [];
  if ('example' in media) out.push({ name: 'example', value: media['example'] });
  for (const [name, ex] of Object.entries(child(media, 'examples') ?? {})) {
    out.push({ name, value: isObject(ex) ? ex['value'] : undefined });
  }
  const schema = child(media, 'schema');
  if (schema !== undefined) {
    if ('example' in schema) out.push({ name: 'schema.example', value: schema['example'] });
    const allOf = Array.isArray(schema['allOf']) ? schema['allOf'] : [];
    allOf.forEach((part, i) => {
      if (isObject(part) && 'example' in part) out.push({ name: `schema.allOf[${i}].example`, value: part['example'] });
    });
  }
  return out;
}

/**
 * Every example in the official schema, request and response, in document order. Each call
 * returns fresh copies, so callers may mutate them (e.g. to break one on purpose).
 */
export function officialExamples(): OfficialExample[] {
  const doc = loadOfficialSchema();
  const out: OfficialExample[] = [];
  for (const [path, item] of Object.entries(child(doc, 'paths') ?? {})) {
    for (const method of HTTP_METHODS) {
      const op = child(item, method);
      if (op === undefined) continue;
      const operation = `${method.toUpperCase()} ${path}`;
      const requestMedia = child(child(child(op, 'requestBody'), 'content'), 'application/json');
      for (const ex of requestMedia === undefined ? [] : mediaExamples(requestMedia)) {
        out.push({ operation, method, path, kind: 'request', status: undefined, ...ex });
      }
      for (const [status, response] of Object.entries(child(op, 'responses') ?? {})) {
        const media = child(child(response, 'content'), 'application/json');
        for (const ex of media === undefined ? [] : mediaExamples(media)) {
          out.push({ operation, method, path, kind: 'response', status: Number(status), ...ex });
        }
      }
    }
  }
  return structuredClone(out);
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

export interface OfficialResponseCheck {
  /** OpenAPI path template, e.g. `/apps/{appId}/sessions/{sessionId}/tracks/new`. */
  readonly path: string;
  /** Any case: `post`, `POST`. */
  readonly method: string;
  readonly status: number;
  readonly body: unknown;
}

export interface OfficialRequestCheck {
  readonly path: string;
  readonly method: string;
  readonly body: unknown;
}

export interface OfficialSchemaResult {
  readonly ok: boolean;
  /** One readable line per problem (empty when ok). */
  readonly errors: readonly string[];
  /** The response status whose schema was used (see the fallback rule above); undefined for requests. */
  readonly checkedStatus: number | undefined;
}

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

function getAjv(): Ajv {
  if (ajv === undefined) {
    ajv = new Ajv({ strict: false, allErrors: true });
    // ajv-formats is CommonJS; its default export is the plugin function.
    const addFormats = (ajvFormats as unknown as { default?: typeof ajvFormats }).default ?? ajvFormats;
    (addFormats as unknown as (a: Ajv) => void)(ajv);
  }
  return ajv;
}

function operationOf(method: string, path: string): Json {
  const doc = loadOfficialSchema();
  const paths = child(doc, 'paths') ?? {};
  const item = child(paths, path);
  if (item === undefined) {
    throw new Error(`the official schema has no path ${path}; known paths:\n  ${Object.keys(paths).join('\n  ')}`);
  }
  const op = child(item, method.toLowerCase());
  if (op === undefined) {
    const methods = HTTP_METHODS.filter((m) => child(item, m) !== undefined).map((m) => m.toUpperCase());
    throw new Error(`the official schema has no ${method.toUpperCase()} ${path} (it has ${methods.join(', ')})`);
  }
  return op;
}

function pickResponseStatus(op: Json, status: number): string {
  const responses = child(op, 'responses') ?? {};
  if (String(status) in responses) return String(status);
  if ('default' in responses) return 'default';
  const success = Object.keys(responses).find((s) => /^2\d\d$/.test(s));
  if (success === undefined) throw new Error(`no response ${status}, default or 2xx listed`);
  return success;
}

function validatorFor(key: string, media: Json | undefined, what: string): ValidateFunction {
  const cached = compiled.get(key);
  if (cached !== undefined) return cached;
  const schema = media === undefined ? undefined : media['schema'];
  if (schema === undefined) throw new Error(`the official schema declares no JSON body for ${what}`);
  const validate = getAjv().compile(toJsonSchema(schema, loadOfficialSchema()) as Json);
  compiled.set(key, validate);
  return validate;
}

function describeError(error: ErrorObject): string {
  const where = `body${error.instancePath.replaceAll('/', '.').replace(/\.(\d+)(?=\.|$)/g, '[$1]')}`;
  const params = error.params as Record<string, unknown>;
  let detail = '';
  if (Array.isArray(params['allowedValues'])) detail = ` (${params['allowedValues'].map((v) => JSON.stringify(v)).join(', ')})`;
  if (typeof params['additionalProperty'] === 'string') detail = ` ("${params['additionalProperty']}")`;
  return `${where} ${error.message ?? 'is invalid'}${detail}`;
}

function run(validate: ValidateFunction, body: unknown): string[] {
  if (validate(body)) return [];
  return (validate.errors ?? []).map(describeError);
}

/** Checks a response body; never throws for a mismatch (it does for an unknown path/method). */
export function checkOfficialResponse(check: OfficialResponseCheck): OfficialSchemaResult {
  const op = operationOf(check.method, check.path);
  const statusKey = pickResponseStatus(op, check.status);
  const media = child(child(child(child(op, 'responses'), statusKey), 'content'), 'application/json');
  const what = `${check.method.toUpperCase()} ${check.path} → ${statusKey}`;
  const errors = run(validatorFor(`response ${what}`, media, what), check.body);
  const checkedStatus = statusKey === 'default' ? check.status : Number(statusKey);
  return { ok: errors.length === 0, errors, checkedStatus };
}

/** Checks a request body against the operation's `requestBody` schema. */
export function checkOfficialRequest(check: OfficialRequestCheck): OfficialSchemaResult {
  const op = operationOf(check.method, check.path);
  const media = child(child(child(op, 'requestBody'), 'content'), 'application/json');
  const what = `${check.method.toUpperCase()} ${check.path} request`;
  const errors = run(validatorFor(what, media, what), check.body);
  return { ok: errors.length === 0, errors, checkedStatus: undefined };
}

function fail(title: string, errors: readonly string[], body: unknown): never {
  const shown = JSON.stringify(body, null, 2) ?? String(body);
  const clipped = shown.length > 2000 ? `${shown.slice(0, 2000)}\n…` : shown;
  throw new Error(`${title} does not match the official Calls schema:\n  - ${errors.join('\n  - ')}\nbody: ${clipped}`);
}

/**
 * Throws (with one line per problem) unless `body` matches the official schema's response schema
 * for `method path` and `status` (with the fallback described at the top of this file).
 */
export function assertMatchesOfficialSchema(check: OfficialResponseCheck): void {
  const result = checkOfficialResponse(check);
  if (result.ok) return;
  const used = result.checkedStatus === check.status ? '' : ` (checked against the ${result.checkedStatus} schema)`;
  fail(`${check.method.toUpperCase()} ${check.path} ${check.status} response${used}`, result.errors, check.body);
}

/** Throws unless `body` matches the operation's official request schema. */
export function assertRequestMatchesOfficialSchema(check: OfficialRequestCheck): void {
  const result = checkOfficialRequest(check);
  if (!result.ok) fail(`${check.method.toUpperCase()} ${check.path} request`, result.errors, check.body);
}
