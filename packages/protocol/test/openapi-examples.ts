/**
 * Test helper: loads the official OpenAPI fixture and lists every example it contains, request
 * and response, with the operation it belongs to. Examples sit in four places in this schema:
 * a media type's `example`, its `examples.<name>.value`, the schema's `example`, and an `example`
 * inside one of the schema's `allOf` entries (sessions/new 201, datachannels/close request).
 */

import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

export interface SchemaExample {
  readonly method: string;
  readonly path: string;
  readonly kind: 'request' | 'response';
  /** Response status as written in the schema (`"200"`, `"406"`); `undefined` for requests. */
  readonly status: string | undefined;
  readonly name: string;
  readonly value: unknown;
}

export interface SchemaOperation {
  readonly method: string;
  readonly path: string;
  readonly hasRequestBody: boolean;
  /** Statuses whose response declares JSON content. */
  readonly responseStatusesWithContent: readonly string[];
}

type Json = Record<string, unknown>;

export function loadOpenApi(): Json {
  const text = readFileSync(new URL('./fixtures/calls-openapi.yaml', import.meta.url), 'utf8');
  return parse(text) as Json;
}

function asObject(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

/** The examples of one media-type object (`content['application/json']`). */
export function mediaExamples(media: Json): { name: string; value: unknown }[] {
  const out: { name: string; value: unknown }[] = [];
  if ('example' in media) out.push({ name: 'example', value: media['example'] });
  for (const [name, ex] of Object.entries(asObject(media['examples']) ?? {})) {
    out.push({ name, value: asObject(ex)?.['value'] });
  }
  const schema = asObject(media['schema']);
  if (schema !== undefined) {
    if ('example' in schema) out.push({ name: 'schema.example', value: schema['example'] });
    const allOf = Array.isArray(schema['allOf']) ? schema['allOf'] : [];
    allOf.forEach((part, i) => {
      const obj = asObject(part);
      if (obj !== undefined && 'example' in obj) out.push({ name: `schema.allOf[${i}].example`, value: obj['example'] });
    });
  }
  return out;
}

export function listOperations(doc: Json): SchemaOperation[] {
  const ops: SchemaOperation[] = [];
  for (const [path, item] of Object.entries(asObject(doc['paths']) ?? {})) {
    for (const method of HTTP_METHODS) {
      const op = asObject(asObject(item)?.[method]);
      if (op === undefined) continue;
      const responses = asObject(op['responses']) ?? {};
      ops.push({
        method,
        path,
        hasRequestBody: asObject(op['requestBody']) !== undefined,
        responseStatusesWithContent: Object.keys(responses).filter(
          (status) => asObject(asObject(asObject(responses[status])?.['content'])?.['application/json']) !== undefined,
        ),
      });
    }
  }
  return ops;
}

export function listExamples(doc: Json): SchemaExample[] {
  const out: SchemaExample[] = [];
  for (const [path, item] of Object.entries(asObject(doc['paths']) ?? {})) {
    for (const method of HTTP_METHODS) {
      const op = asObject(asObject(item)?.[method]);
      if (op === undefined) continue;
      const requestMedia = asObject(asObject(asObject(op['requestBody'])?.['content'])?.['application/json']);
      for (const ex of requestMedia === undefined ? [] : mediaExamples(requestMedia)) {
        out.push({ method, path, kind: 'request', status: undefined, ...ex });
      }
      for (const [status, response] of Object.entries(asObject(op['responses']) ?? {})) {
        const media = asObject(asObject(asObject(response)?.['content'])?.['application/json']);
        for (const ex of media === undefined ? [] : mediaExamples(media)) {
          out.push({ method, path, kind: 'response', status, ...ex });
        }
      }
    }
  }
  return out;
}
