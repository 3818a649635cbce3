// Smoke tests of the raw binding: loading, lifecycle, one real packet through ingest, bulk reads,
// and the error shape (`<code>: <message>`, with `code` also on the error object).
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

import type * as Native from '../index.js';

const native = createRequire(import.meta.url)('../index.js') as typeof Native;
const { BindingRouter, abiVersion } = native;

const MID = 'urn:ietf:params:rtp-hdrext:sdes:mid';
const TWCC = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';

const videoTrack: Native.BindingTrackOptions = {
  kind: 'video',
  codecs: [
    { payloadType: 96, mimeType: 'video/VP8', clockRate: 90000 },
    { payloadType: 97, mimeType: 'video/rtx', clockRate: 90000 },
  ],
  extensions: [
    { id: 3, uri: TWCC },
    { id: 4, uri: MID },
  ],
};

const subscriber: Native.BindingRouteOptions = {
  ssrc: 0xcafebabe,
  codecs: [{ payloadType: 120, mimeType: 'video/vp8', clockRate: 90000 }],
  extensions: [{ id: 9, uri: MID }],
};

// VP8 payload descriptor X=1 S=1 PID=0, I=1 with a 15-bit picture id; then the frame header.
const VP8_KEY = [0x90, 0x80, 0x80, 0x2a, 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01];
const VP8_DELTA = [0x90, 0x80, 0x80, 0x2b, 0x31, 0x01, 0x00, 0xcc, 0xdd];

/** RTP packet with a one-byte extension block: MID (id 4) = "0" and TWCC (id 3) = 2 bytes. */
function rtp(seq: number, ts: number, payload: number[], marker = false): Uint8Array {
  const header = [
    0x90, // V=2, X=1
    (marker ? 0x80 : 0) | 96,
    seq >> 8, seq & 0xff,
    (ts >>> 24) & 0xff, (ts >>> 16) & 0xff, (ts >>> 8) & 0xff, ts & 0xff,
    0x12, 0x34, 0x56, 0x78, // publisher SSRC
    0xbe, 0xde, 0x00, 0x02, // one-byte form, 2 words
    0x40, 0x30, // id 4, len 1, "0"
    0x31, 0x00, 0x07, // id 3, len 2
    0x00, 0x00, 0x00, // padding to 8 bytes
  ];
  return Uint8Array.from([...header, ...payload]);
}

function view(out: Uint8Array, index: Uint32Array, i: number): { route: number; bytes: Uint8Array } {
  const [route, offset, length] = [index[3 * i]!, index[3 * i + 1]!, index[3 * i + 2]!];
  return { route, bytes: out.subarray(offset, offset + length) };
}

function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected a throw');
}

describe('@opencalls/native binding', () => {
  it('reports ABI version 1', () => {
    expect(abiVersion()).toBe(1);
  });

  it('creates and closes tracks and routes; closing twice is a no-op', () => {
    const router = new BindingRouter();
    const counts = new Float64Array(2);
    const track = router.createTrack(videoTrack);
    const route = router.createRoute(track, subscriber);
    expect(track).toBeGreaterThan(0);
    expect(route).not.toBe(track);
    router.readCounts(counts);
    expect([...counts]).toEqual([1, 1]);

    router.closeRoute(route);
    router.closeRoute(route);
    const again = router.createRoute(track, subscriber);
    expect(again).toBeGreaterThan(route); // handles are never reused
    router.closeTrack(track); // cascades to `again`
    router.closeTrack(track);
    router.readCounts(counts);
    expect([...counts]).toEqual([0, 0]);
    router.close();
  });

  it('drops a delta before the keyframe, then rewrites the keyframe', () => {
    const router = new BindingRouter();
    const track = router.createTrack(videoTrack);
    const route = router.createRoute(track, subscriber);
    const out = new Uint8Array(4096);
    const index = new Uint32Array(3 * 8);

    expect(router.ingest(track, rtp(1000, 90_000, VP8_DELTA), out, index)).toBe(0);
    const stats = new Float64Array(3);
    router.readRouteStats(route, stats);
    expect(stats[2]).toBe(1); // droppedWaitingKeyframe

    const key = rtp(1001, 93_000, VP8_KEY, true);
    expect(router.ingest(track, key, out, index)).toBe(1);
    const first = view(out, index, 0);
    expect(first.route).toBe(route);
    const dv = new DataView(first.bytes.buffer, first.bytes.byteOffset, first.bytes.byteLength);
    expect(dv.getUint8(0)).toBe(0x90); // V=2, X=1, no padding, no CSRC
    expect(dv.getUint8(1)).toBe(0x80 | 120); // marker kept, PT 96 -> 120 via mime type
    expect(dv.getUint32(8)).toBe(0xcafebabe);
    // extension block: MID remapped 4 -> 9, TWCC dropped (subscriber lacks it)
    expect([...first.bytes.subarray(12, 20)]).toEqual([0xbe, 0xde, 0x00, 0x01, 0x90, 0x30, 0x00, 0x00]);
    expect([...first.bytes.subarray(20)]).toEqual(VP8_KEY);
    const seq0 = dv.getUint16(2);
    const ts0 = dv.getUint32(4);

    expect(router.ingest(track, rtp(1002, 96_000, VP8_DELTA), out, index)).toBe(1);
    const second = view(out, index, 0);
    const dv2 = new DataView(second.bytes.buffer, second.bytes.byteOffset, second.bytes.byteLength);
    expect(dv2.getUint16(2)).toBe((seq0 + 1) & 0xffff);
    expect(dv2.getUint32(4)).toBe((ts0 + 3000) >>> 0);
    expect([...second.bytes.subarray(20)]).toEqual(VP8_DELTA);

    router.readRouteStats(route, stats);
    expect(stats[0]).toBe(2);
    expect(stats[1]).toBe(first.bytes.length + second.bytes.length);
    router.close();
  });

  it('reads all tracks’ activity in one call', () => {
    const router = new BindingRouter();
    const idle = router.createTrack(videoTrack);
    const busy = router.createTrack(videoTrack);
    const before = router.nowMs();
    router.ingest(busy, rtp(1, 0, VP8_DELTA), new Uint8Array(1500), new Uint32Array(3));
    router.ingest(busy, Uint8Array.of(1, 2, 3), new Uint8Array(1500), new Uint32Array(3)); // malformed

    const handles = new Uint32Array(8);
    const lastPacketAtMs = new Float64Array(8);
    expect(router.readActivity(handles, lastPacketAtMs)).toBe(2);
    const rows = new Map([0, 1].map((i) => [handles[i], lastPacketAtMs[i]]));
    expect(rows.get(idle)).toBeNaN();
    expect(rows.get(busy)).toBeGreaterThanOrEqual(before);
    expect(rows.get(busy)).toBeLessThanOrEqual(router.nowMs());
    expect(router.readActivity(handles.subarray(0, 1), lastPacketAtMs)).toBe(1);

    const trackStats = new Float64Array(4);
    router.readTrackStats(busy, trackStats);
    expect([...trackStats.subarray(0, 3)]).toEqual([1, rtp(1, 0, VP8_DELTA).length, 1]);
    expect(trackStats[3]).toBe(rows.get(busy));
    router.close();
  });

  it('throws coded errors for bad handles and arguments', () => {
    const router = new BindingRouter();
    const track = router.createTrack(videoTrack);
    const notFound = thrown(() => router.createRoute(777, subscriber));
    expect(notFound.message).toBe('not_found: track 777 does not exist');
    expect(notFound.code).toBe('not_found');
    expect(thrown(() => router.readRouteStats(track, new Float64Array(3))).message).toMatch(/^not_found: route/);
    expect(thrown(() => router.ingest(999, new Uint8Array(12), new Uint8Array(10), new Uint32Array(3))).message).toMatch(
      /^not_found: /,
    );
    expect(thrown(() => router.createTrack({ ...videoTrack, kind: 'data' as 'video' })).message).toMatch(
      /^invalid_argument: /,
    );
    const shared = new Uint8Array(64);
    expect(thrown(() => router.ingest(track, shared.subarray(0, 12), shared, new Uint32Array(3))).code).toBe(
      'invalid_argument',
    );
    router.close();
  });

  it('throws closed: after close, and close stays idempotent', () => {
    const router = new BindingRouter();
    const track = router.createTrack(videoTrack);
    router.close();
    router.close();
    for (const call of [
      () => router.nowMs(),
      () => router.createTrack(videoTrack),
      () => router.closeTrack(track),
      () => router.ingest(track, new Uint8Array(12), new Uint8Array(10), new Uint32Array(3)),
      () => router.readActivity(new Uint32Array(1), new Float64Array(1)),
    ]) {
      const err = thrown(call);
      expect(err.message).toMatch(/^closed: /);
      expect(err.code).toBe('closed');
    }
  });
});
