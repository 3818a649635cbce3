import { describe, expect, test } from 'vitest';
import {
  assertMatchesOfficialSchema,
  assertRequestMatchesOfficialSchema,
  checkOfficialResponse,
  officialExamples,
  toJsonSchema,
} from '../src/index.js';

const TRACKS_NEW = '/apps/{appId}/sessions/{sessionId}/tracks/new';
const SESSIONS_NEW = '/apps/{appId}/sessions/new';

const examples = officialExamples();
const responses = examples.filter((e) => e.kind === 'response');
const requests = examples.filter((e) => e.kind === 'request');

describe('officialExamples', () => {
  test('lists every example of the fixture', () => {
    expect(examples.length).toBe(57);
    expect(responses.length).toBe(29);
    expect(requests.length).toBe(28);
  });

  test('returns fresh copies', () => {
    const first = officialExamples()[0];
    if (first === undefined) throw new Error('no examples');
    (first as { value: unknown }).value = 'changed';
    expect(officialExamples()[0]?.value).not.toBe('changed');
  });
});

describe('every official example matches the official schema', () => {
  test.each(responses.map((e) => [`${e.operation} ${e.status} "${e.name}"`, e] as const))('response %s', (_, e) => {
    if (e.status === undefined) throw new Error('response without status');
    assertMatchesOfficialSchema({ path: e.path, method: e.method, status: e.status, body: e.value });
  });

  test.each(requests.map((e) => [`${e.operation} "${e.name}"`, e] as const))('request %s', (_, e) => {
    assertRequestMatchesOfficialSchema({ path: e.path, method: e.method, body: e.value });
  });
});

describe('broken bodies fail with readable messages', () => {
  test('tracks is not an array', () => {
    expect(() =>
      assertMatchesOfficialSchema({
        path: TRACKS_NEW,
        method: 'post',
        status: 200,
        body: { requiresImmediateRenegotiation: false, tracks: { mid: '0' } },
      }),
    ).toThrow(/POST \/apps\/\{appId\}\/sessions\/\{sessionId\}\/tracks\/new 200 response does not match the official Calls schema:\n {2}- body\.tracks must be array/);
  });

  test('sessionId missing on NewSessionResponse', () => {
    expect(() => assertMatchesOfficialSchema({ path: SESSIONS_NEW, method: 'POST', status: 201, body: {} })).toThrow(
      "- body must have required property 'sessionId'",
    );
  });

  test('a wrong enum value names the allowed values', () => {
    const result = checkOfficialResponse({
      path: TRACKS_NEW,
      method: 'post',
      status: 200,
      body: { tracks: [{ mid: '0', location: 'elsewhere' }], sessionDescription: { type: 'pranswer', sdp: '' } },
    });
    expect(result.ok).toBe(false);
    expect(result.errors).toContain('body.sessionDescription.type must be equal to one of the allowed values ("answer", "offer")');
    expect(result.errors).toContain('body.tracks[0].location must be equal to one of the allowed values ("local", "remote")');
  });

  test('an adapter error response must carry both fields', () => {
    expect(() =>
      assertMatchesOfficialSchema({
        path: '/apps/{appId}/adapters/websocket/new',
        method: 'post',
        status: 406,
        body: { errorCode: 'invalid_params' },
      }),
    ).toThrow("body must have required property 'errorDescription'");
  });

  test('a wrongly typed data channel id', () => {
    expect(() =>
      assertMatchesOfficialSchema({
        path: '/apps/{appId}/sessions/{sessionId}/datachannels/new',
        method: 'post',
        status: 200,
        body: { dataChannels: [{ dataChannelName: 'c', id: '3' }] },
      }),
    ).toThrow('body.dataChannels[0].id must be number');
  });

  test('an unknown path or method is a usage error, not a mismatch', () => {
    expect(() => assertMatchesOfficialSchema({ path: '/apps/{appId}/nope', method: 'post', status: 200, body: {} })).toThrow(
      /has no path \/apps\/\{appId\}\/nope; known paths:/,
    );
    expect(() => assertMatchesOfficialSchema({ path: TRACKS_NEW, method: 'get', status: 200, body: {} })).toThrow(
      'has no GET /apps/{appId}/sessions/{sessionId}/tracks/new (it has POST)',
    );
  });
});

describe('status fallback', () => {
  test('an unlisted error status is checked against the 200 schema (errors are top-level fields there)', () => {
    const result = checkOfficialResponse({
      path: TRACKS_NEW,
      method: 'post',
      status: 406,
      body: { errorCode: 'invalid_params', errorDescription: 'tracks[0].location is required' },
    });
    expect(result).toEqual({ ok: true, errors: [], checkedStatus: 200 });
  });

  test('sessions/new falls back to its 201 schema, which requires sessionId even for errors', () => {
    const result = checkOfficialResponse({
      path: SESSIONS_NEW,
      method: 'post',
      status: 401,
      body: { errorCode: 'unauthorized', errorDescription: 'bad secret' },
    });
    expect(result.checkedStatus).toBe(201);
    expect(result.errors).toEqual(["body must have required property 'sessionId'"]);
    expect(() =>
      assertMatchesOfficialSchema({ path: SESSIONS_NEW, method: 'post', status: 401, body: { errorCode: 'unauthorized' } }),
    ).toThrow('(checked against the 201 schema)');
  });

  test('a listed status uses its own schema', () => {
    const result = checkOfficialResponse({
      path: '/apps/{appId}/adapters/websocket/close',
      method: 'post',
      status: 400,
      body: { errorCode: 'decoding_error', errorDescription: 'The request could not be decoded.' },
    });
    expect(result).toEqual({ ok: true, errors: [], checkedStatus: 400 });
  });
});

describe('toJsonSchema', () => {
  const doc = {
    components: {
      schemas: {
        A: { type: 'object', properties: { example: { type: 'string' }, b: { $ref: '#/components/schemas/B' } } },
        B: { type: 'integer', nullable: true, minimum: 0, exclusiveMinimum: true, example: 3 },
        Loop: { type: 'object', properties: { self: { $ref: '#/components/schemas/Loop' } } },
      },
    },
  };

  test('inlines $refs, keeps a property named "example", drops the example keyword, converts nullable', () => {
    expect(toJsonSchema({ $ref: '#/components/schemas/A' }, doc)).toEqual({
      type: 'object',
      properties: { example: { type: 'string' }, b: { type: ['integer', 'null'], exclusiveMinimum: 0 } },
    });
  });

  test('a $ref cycle throws', () => {
    expect(() => toJsonSchema({ $ref: '#/components/schemas/Loop' }, doc)).toThrow('$ref cycle');
  });

  test('a dangling $ref throws', () => {
    expect(() => toJsonSchema({ $ref: '#/components/schemas/Missing' }, doc)).toThrow('does not resolve');
  });
});
