import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseErrorResponse, parseGenerateIceServersResponse } from '@opencalls/protocol';
import { resolveConfig } from '../src/index.js';
import { startTestServer, TEST_APP, type TestServer } from './helpers/test-server.js';

interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function post(url: string, init: { token?: string | null; body?: string; contentType?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (init.token !== null) headers.authorization = `Bearer ${init.token ?? TEST_APP.secret}`;
  if (init.contentType) headers['content-type'] = init.contentType;
  const res = await fetch(url, { method: 'POST', headers, body: init.body });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

function expectError(reply: Reply, status: number, errorCode: string): void {
  expect(reply.status).toBe(status);
  expect(parseErrorResponse(reply.body).ok).toBe(true);
  expect(reply.body.errorCode).toBe(errorCode);
}

/**
 * The TURN-compatible credentials API (calls-api.md §3.9) as partytracks' proxy, orange and
 * sfu-turn-go call it: `POST /v1/turn/keys/:keyId/credentials/generate-ice-servers` with a Bearer
 * token → 201 `{iceServers}`. OpenCalls hands out the configured servers; by default there are
 * none and every app's id/secret doubles as a TURN key id/token.
 */
describe('TURN credentials, default config', () => {
  let server: TestServer;
  const path = `/turn/keys/${TEST_APP.appId}/credentials/generate-ice-servers`;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  test.each(['/v1', ''])('%s/turn/keys/<appId>/credentials/generate-ice-servers → 201 {"iceServers":[]}', async (prefix) => {
    const reply = await post(`${server.url}${prefix}${path}`, { body: JSON.stringify({ ttl: 86400 }) });
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({ iceServers: [] });
    expect(parseGenerateIceServersResponse(reply.body).ok).toBe(true);
  });

  test('revoke → 204 with the key\'s token (static credentials stay valid), 401 without it, 404 for an unknown key', async () => {
    const revoke = (keyId: string, token: string | null) =>
      fetch(`${server.url}/v1/turn/keys/${keyId}/credentials/some-user/revoke`, {
        method: 'POST',
        headers: token === null ? {} : { authorization: `Bearer ${token}` },
      });
    const ok = await revoke(TEST_APP.appId, TEST_APP.secret);
    expect(ok.status).toBe(204);
    expect(await ok.text()).toBe('');
    const denied = await revoke(TEST_APP.appId, 'wrong');
    expectError({ status: denied.status, headers: denied.headers, body: (await denied.json()) as Record<string, unknown> }, 401, 'unauthorized');
    const unknown = await revoke('no-such-key', TEST_APP.secret);
    expectError({ status: unknown.status, headers: unknown.headers, body: (await unknown.json()) as Record<string, unknown> }, 404, 'not_found');
  });

  test('no body, and a JSON body sent as text/plain, both work', async () => {
    expect((await post(`${server.url}/v1${path}`)).status).toBe(201);
    expect((await post(`${server.url}/v1${path}`, { body: '{"ttl":600}', contentType: 'text/plain;charset=UTF-8' })).status).toBe(201);
  });

  test('wrong token → 401 unauthorized; missing header → 401; unknown key → 404 not_found', async () => {
    expectError(await post(`${server.url}/v1${path}`, { token: 'nope' }), 401, 'unauthorized');
    const missing = await post(`${server.url}/v1${path}`, { token: null });
    expectError(missing, 401, 'unauthorized');
    expect(missing.body.errorDescription).toBe('Missing Authorization header');
    const unknown = await post(`${server.url}/v1/turn/keys/no-such-key/credentials/generate-ice-servers`);
    expectError(unknown, 404, 'not_found');
    expect(unknown.body.errorDescription).toBe('TURN key no-such-key not found');
  });

  test('another app\'s secret does not open this app\'s key', async () => {
    expectError(await post(`${server.url}/v1${path}`, { token: 'other-secret' }), 401, 'unauthorized');
  });

  test('malformed JSON or a ttl of the wrong type → 400 decoding_error; a negative ttl → 406 invalid_params', async () => {
    expectError(await post(`${server.url}/v1${path}`, { body: '{"ttl":' }), 400, 'decoding_error');
    const wrongType = await post(`${server.url}/v1${path}`, { body: JSON.stringify({ ttl: 'forever' }) });
    expectError(wrongType, 400, 'decoding_error');
    expect(wrongType.body.errorDescription).toBe('ttl: expected a number, got a string');
    expectError(await post(`${server.url}/v1${path}`, { body: JSON.stringify({ ttl: -5 }) }), 406, 'invalid_params');
  });

  test('legacy credentials/generate with no server configured → 404 not_found saying what to configure', async () => {
    const reply = await post(`${server.url}/v1/turn/keys/${TEST_APP.appId}/credentials/generate`);
    expectError(reply, 404, 'not_found');
    expect(reply.body.errorDescription).toMatch(/iceServers/);
  });

  test('responses carry CORS headers for a browser origin', async () => {
    const res = await fetch(`${server.url}/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_APP.secret}`, origin: 'http://example.test' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://example.test');
    expect(res.headers.get('vary')).toMatch(/Origin/);
  });
});

describe('TURN credentials, configured keys and servers', () => {
  let server: TestServer;
  const iceServers = [
    { urls: ['stun:127.0.0.1:3478'] },
    { urls: ['turn:127.0.0.1:3478?transport=udp', 'turns:127.0.0.1:5349?transport=tcp'], username: 'user-1', credential: 'pass-1' },
  ];

  beforeAll(async () => {
    server = await startTestServer({ iceServers, turnKeys: [{ keyId: 'turn-key-1', token: 'turn-token-1' }] });
  });
  afterAll(async () => {
    await server?.close();
  });

  test('generate-ice-servers → 201 with the configured servers, unchanged', async () => {
    const reply = await post(`${server.url}/v1/turn/keys/turn-key-1/credentials/generate-ice-servers`, {
      token: 'turn-token-1',
      body: JSON.stringify({ ttl: 86400 }),
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({ iceServers });
    expect(parseGenerateIceServersResponse(reply.body).ok).toBe(true);
  });

  test('legacy credentials/generate → 201 with one object holding every URL and the TURN credentials', async () => {
    const reply = await post(`${server.url}/turn/keys/turn-key-1/credentials/generate`, { token: 'turn-token-1' });
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({
      iceServers: {
        urls: ['stun:127.0.0.1:3478', 'turn:127.0.0.1:3478?transport=udp', 'turns:127.0.0.1:5349?transport=tcp'],
        username: 'user-1',
        credential: 'pass-1',
      },
    });
  });

  test('with explicit turnKeys, an app id/secret is no TURN key', async () => {
    const reply = await post(`${server.url}/v1/turn/keys/${TEST_APP.appId}/credentials/generate-ice-servers`);
    expectError(reply, 404, 'not_found');
  });

  test('the Calls API is unaffected by the TURN keys', async () => {
    expect((await server.api.call('POST', '/sessions/new')).status).toBe(201);
  });
});

describe('TURN config validation', () => {
  test.each([
    [{ turnKeys: [{ keyId: 'a/b', token: 't' }] }, /invalid keyId/],
    [{ turnKeys: [{ keyId: 'k', token: '' }] }, /has no token/],
    [{ turnKeys: [{ keyId: 'k', token: 't' }, { keyId: 'k', token: 'u' }] }, /duplicate keyId k/],
    [{ iceServers: [{ urls: [] }] }, /iceServers/],
    [{ iceServers: [{ urls: 'http://example.test' }] }, /iceServers/],
  ])('%j is rejected', (input, message) => {
    expect(() => resolveConfig(input)).toThrow(message);
  });

  test('default turnKeys follow the apps', () => {
    const config = resolveConfig({ apps: [{ appId: 'a1', secret: 's1' }, { appId: 'a2', secret: 's2' }] });
    expect(config.turnKeys).toEqual([
      { keyId: 'a1', token: 's1' },
      { keyId: 'a2', token: 's2' },
    ]);
    expect(config.iceServers).toEqual([]);
  });
});
