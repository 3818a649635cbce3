/**
 * Every example in Cloudflare's official OpenAPI schema (test/fixtures/calls-openapi.yaml) against
 * our validators: request examples must pass the operation's request validator, response examples
 * the operation's response validator (error statuses: `parseErrorResponse`). Each example is its
 * own test case; the expected counts below make sure none is silently skipped.
 */

import { describe, expect, test } from 'vitest';
import { CALLS_OPERATIONS, OPERATION_NAMES, findOperation, parseErrorResponse } from '../src/index.js';
import type { ParseResult } from '../src/index.js';
import { listExamples, listOperations, loadOpenApi } from './openapi-examples.js';
import type { SchemaExample } from './openapi-examples.js';

const doc = loadOpenApi();
const operations = listOperations(doc);
const examples = listExamples(doc);

/** How many examples the fixture holds for each operation, request and response by status. */
const EXPECTED_EXAMPLE_COUNTS: Record<string, { request: number; responses: Record<string, number> }> = {
  'POST /apps/{appId}/sessions/new': { request: 0, responses: { '201': 1 } },
  'POST /apps/{appId}/adapters/websocket/new': { request: 3, responses: { '200': 3, '400': 1, '406': 1, '503': 1 } },
  'POST /apps/{appId}/adapters/websocket/close': { request: 1, responses: { '200': 3, '400': 1, '406': 1, '503': 1 } },
  'POST /apps/{appId}/sessions/{sessionId}/tracks/new': { request: 7, responses: { '200': 3 } },
  'PUT /apps/{appId}/sessions/{sessionId}/renegotiate': { request: 1, responses: { '200': 1 } },
  'PUT /apps/{appId}/sessions/{sessionId}/tracks/close': { request: 2, responses: { '200': 4 } },
  'PUT /apps/{appId}/sessions/{sessionId}/tracks/update': { request: 2, responses: { '200': 1 } },
  'POST /apps/{appId}/sessions/{sessionId}/datachannels/establish': { request: 2, responses: { '200': 2 } },
  'POST /apps/{appId}/sessions/{sessionId}/datachannels/new': { request: 7, responses: { '200': 2 } },
  'PUT /apps/{appId}/sessions/{sessionId}/datachannels/update': { request: 2, responses: { '200': 1 } },
  'PUT /apps/{appId}/sessions/{sessionId}/datachannels/close': { request: 1, responses: { '200': 1 } },
  'GET /apps/{appId}/sessions/{sessionId}': { request: 0, responses: { '200': 1 } },
};

function opKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

function validatorFor(example: SchemaExample): (body: unknown) => ParseResult<unknown> {
  const name = findOperation(example.method, example.path);
  if (name === undefined) throw new Error(`no operation for ${opKey(example.method, example.path)}`);
  const op = CALLS_OPERATIONS[name];
  if (example.kind === 'request') {
    if (op.parseRequest === undefined) throw new Error(`${name} has no request validator`);
    return op.parseRequest;
  }
  const status = Number(example.status);
  // 2xx, and the adapters' 503 "every item failed", carry the operation's response body;
  // 4xx carry only {errorCode, errorDescription}.
  return status >= 400 && status < 500 ? parseErrorResponse : op.parseResponse;
}

function label(e: SchemaExample): string {
  return `${opKey(e.method, e.path)} ${e.kind}${e.status === undefined ? '' : ` ${e.status}`} example "${e.name}"`;
}

describe('the fixture is walked completely', () => {
  test('it has operations and examples', () => {
    expect(operations.length).toBe(12);
    expect(examples.length).toBe(57);
  });

  test.each(operations.map((o) => [opKey(o.method, o.path), o] as const))('%s maps to one of our operations', (key, o) => {
    const name = findOperation(o.method, o.path);
    expect(name, key).toBeDefined();
    if (name !== undefined) expect(CALLS_OPERATIONS[name].inOfficialSchema).toBe(true);
  });

  test('every official operation of ours appears in the fixture', () => {
    const inFixture = new Set(operations.map((o) => opKey(o.method, o.path)));
    for (const name of OPERATION_NAMES) {
      const op = CALLS_OPERATIONS[name];
      expect(inFixture.has(opKey(op.method, op.path)), name).toBe(op.inOfficialSchema);
    }
  });

  test.each(operations.map((o) => [opKey(o.method, o.path), o] as const))('%s: example counts', (key, o) => {
    const expected = EXPECTED_EXAMPLE_COUNTS[key];
    expect(expected, `add ${key} to EXPECTED_EXAMPLE_COUNTS`).toBeDefined();
    const mine = examples.filter((e) => e.method === o.method && e.path === o.path);
    const requests = mine.filter((e) => e.kind === 'request').length;
    // An operation with a request body has request examples; a response with content has examples.
    if (o.hasRequestBody) expect(requests).toBeGreaterThan(0);
    for (const status of o.responseStatusesWithContent) {
      expect(mine.filter((e) => e.kind === 'response' && e.status === status).length, status).toBeGreaterThan(0);
    }
    const responses: Record<string, number> = {};
    for (const e of mine) if (e.kind === 'response' && e.status !== undefined) responses[e.status] = (responses[e.status] ?? 0) + 1;
    expect({ request: requests, responses }).toEqual(expected);
  });
});

describe('official request examples pass our request validators', () => {
  test.each(examples.filter((e) => e.kind === 'request').map((e) => [label(e), e] as const))('%s', (_, e) => {
    const result = validatorFor(e)(e.value);
    if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
    // The examples use only fields we know, so nothing may be lost on the way through.
    expect(result.value).toEqual(e.value);
  });
});

describe('official response examples pass our response validators', () => {
  test.each(examples.filter((e) => e.kind === 'response').map((e) => [label(e), e] as const))('%s', (_, e) => {
    const result = validatorFor(e)(e.value);
    if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
    expect(result.value).toEqual(e.value);
  });
});
