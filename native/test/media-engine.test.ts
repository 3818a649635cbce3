// Smoke tests of BindingMediaEngine: bind, the doorbell + drainControl round trip with a real UDP
// datagram, control-plane sends, counters, error shape and close.
import { createSocket } from 'node:dgram';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

import type * as Native from '../index.js';

const native = createRequire(import.meta.url)('../index.js') as typeof Native;
const { BindingMediaEngine } = native;

/** A STUN Binding request carrying only USERNAME (RFC 5389 §6, §15.3). */
function stunRequest(username: string): Buffer {
  const user = Buffer.from(username);
  const padded = Math.ceil(user.length / 4) * 4;
  const m = Buffer.alloc(24 + padded);
  m.writeUInt16BE(0x0001, 0);
  m.writeUInt16BE(4 + padded, 2);
  m.writeUInt32BE(0x2112a442, 4);
  m.writeUInt16BE(0x0006, 20);
  m.writeUInt16BE(user.length, 22);
  user.copy(m, 24);
  return m;
}

function errorOf(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a throw');
}

describe('BindingMediaEngine', () => {
  it('delivers a STUN check through the doorbell and drainControl; sends for werift; counts', async () => {
    let rings = 0;
    const engine = new BindingMediaEngine({ bindAddress: '127.0.0.1', port: 0 }, () => {
      rings++;
    });
    try {
      expect(engine.localPort).toBeGreaterThan(0);
      expect(engine.localAddress).toBe('127.0.0.1');
      const [stride, counterCount] = engine.layout();
      const names = engine.counterNames();
      expect(stride).toBe(9);
      expect(names).toHaveLength(counterCount!);
      expect(names).toContain('mediaToJs');

      const ep = engine.createEndpoint();
      engine.bindUfrag(ep, 'abcd');
      const client = createSocket('udp4');
      await new Promise<void>((r) => client.bind(0, '127.0.0.1', r));
      const received = new Promise<Buffer>((r) => client.once('message', (m) => r(m)));
      const check = stunRequest('abcd:peer');
      client.send(check, engine.localPort, '127.0.0.1');
      const deadline = Date.now() + 5000;
      while (rings === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(rings).toBe(1);

      const out = new Uint8Array(4096);
      const index = new Uint32Array(stride! * 8);
      expect(engine.drainControl(out, index)).toBe(1);
      expect(index[0]).toBe(ep);
      expect(Buffer.from(out.subarray(index[1]!, index[1]! + index[2]!))).toEqual(check);
      expect(index[3]).toBe(client.address().port);
      expect([index[4], index[5]]).toEqual([4, 0x7f000001]);
      expect(engine.drainControl(out, index)).toBe(0);

      engine.send(ep, Buffer.from([1, 1, 0, 0]), '127.0.0.1', client.address().port);
      expect([...(await received)]).toEqual([1, 1, 0, 0]);
      client.close();

      const counters = new Float64Array(counterCount!);
      expect(engine.readCounters(counters)).toBe(counterCount);
      const c = (name: string): number => counters[names.indexOf(name)]!;
      expect(c('stunToJs')).toBe(1);
      expect(c('controlSent')).toBe(1);
      expect(c('mediaToJs')).toBe(0);
    } finally {
      engine.close();
    }
  });

  it('rejects bad arguments with coded errors; closing is idempotent, then calls throw closed', () => {
    const engine = new BindingMediaEngine({ bindAddress: '127.0.0.1', port: 0 }, () => undefined);
    const ep = engine.createEndpoint();
    expect(errorOf(() => engine.send(ep, new Uint8Array([1]), 'not-an-ip', 9)).message).toMatch(/^invalid_argument: /);
    expect(errorOf(() => engine.send(999, new Uint8Array([1]), '127.0.0.1', 9)).code).toBe('not_found');
    const key = new Uint8Array(16);
    expect(errorOf(() => engine.installSrtp(ep, 2, key, key, key, key)).message).toMatch(/^invalid_argument: SRTP profile/);
    expect(() => engine.installSrtp(ep, 7, key, new Uint8Array(12), key, new Uint8Array(12))).not.toThrow();
    expect(errorOf(() => engine.mapIncoming(ep, {}, 1)).code).toBe('invalid_argument');
    expect(errorOf(() => engine.createRoute(1, { ssrc: 1, codecs: [], extensions: [] }, ep)).code).toBe('not_found');
    engine.closeEndpoint(ep);
    engine.closeEndpoint(ep);
    engine.close();
    engine.close();
    expect(errorOf(() => engine.createEndpoint()).message).toMatch(/^closed: /);
    expect(errorOf(() => new BindingMediaEngine({ bindAddress: '127.0.0.1', port: 0, portRange: [9, 3] }, () => undefined)).code).toBe(
      'invalid_argument',
    );
  });
});
