// Interop of the native SRTP/SRTCP (BindingSrtpContext) with werift's JS SrtpSession and
// SrtcpSession, both profiles, both directions: werift encrypts → Rust decrypts in place, and
// Rust encrypts in place → werift decrypts. Also the error shape of forged, replayed and short
// packets.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { RtpHeader, SrtcpSession, SrtpSession } from 'werift';
import { describe, expect, it } from 'vitest';

import type * as Native from '../index.js';

const native = createRequire(import.meta.url)('../index.js') as typeof Native;
const { BindingSrtpContext } = native;

const PROFILES = [
  { name: 'AES_CM_128_HMAC_SHA1_80', id: 0x0001, saltLength: 14, rtpTag: 10, rtcpOverhead: 14 },
  { name: 'AEAD_AES_128_GCM', id: 0x0007, saltLength: 12, rtpTag: 16, rtcpOverhead: 20 },
] as const;

type Profile = (typeof PROFILES)[number];

interface MasterKey {
  readonly key: Buffer;
  readonly salt: Buffer;
}

interface Association {
  /** What werift encrypts with (its local keys) and what Rust decrypts with. */
  readonly weriftToRust: MasterKey;
  /** What Rust encrypts with and werift decrypts with (werift's remote keys). */
  readonly rustToWerift: MasterKey;
  readonly srtp: SrtpSession;
  readonly srtcp: SrtcpSession;
}

function association(profile: Profile): Association {
  const weriftToRust = { key: randomBytes(16), salt: randomBytes(profile.saltLength) };
  const rustToWerift = { key: randomBytes(16), salt: randomBytes(profile.saltLength) };
  const config = {
    profile: profile.id,
    keys: {
      localMasterKey: weriftToRust.key,
      localMasterSalt: weriftToRust.salt,
      remoteMasterKey: rustToWerift.key,
      remoteMasterSalt: rustToWerift.salt,
    },
  };
  const srtp = new SrtpSession(config);
  const srtcp = new SrtcpSession(config);
  return { weriftToRust, rustToWerift, srtp, srtcp };
}

function context(profile: Profile, master: MasterKey): Native.BindingSrtpContext {
  return new BindingSrtpContext(profile.id, master.key, master.salt);
}

const SSRC = 0x1234abcd;
// Across the 16-bit wrap, so the rollover counter must agree on both sides.
const SEQS = [65533, 65534, 65535, 0, 1, 2];

function header(seq: number, withExtensions: boolean): RtpHeader {
  return new RtpHeader({
    payloadType: 111,
    sequenceNumber: seq,
    timestamp: (seq * 960) >>> 0,
    ssrc: SSRC,
    marker: seq % 2 === 0,
    extension: withExtensions,
    extensions: withExtensions
      ? [
          { id: 1, payload: Buffer.from('0') },
          { id: 3, payload: Buffer.from([1, 2, 3]) },
        ]
      : [],
  });
}

/** A sender report with one report block, from `ssrc`. */
function senderReport(ssrc: number, fill: number): Buffer {
  const p = Buffer.alloc(52, fill);
  p.writeUInt8(0x81, 0);
  p.writeUInt8(200, 1);
  p.writeUInt16BE(52 / 4 - 1, 2);
  p.writeUInt32BE(ssrc, 4);
  return p;
}

function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected a throw');
}

/** Rust works in place: copy into a larger scratch buffer, as a socket read would. */
function scratchWith(bytes: Uint8Array): Uint8Array {
  const scratch = new Uint8Array(1500);
  scratch.set(bytes);
  return scratch;
}

describe.each(PROFILES)('SRTP interop with werift: $name', (profile) => {
  it('werift encrypts RTP, Rust decrypts it in place', () => {
    const a = association(profile);
    const rust = context(profile, a.weriftToRust);
    for (const [i, seq] of SEQS.entries()) {
      const h = header(seq, i % 2 === 1);
      const payload = randomBytes(i === 0 ? 1100 : 200 + i);
      const plain = Buffer.concat([h.serialize(h.serializeSize), payload]);
      const wire = a.srtp.encrypt(payload, h);
      expect(wire.length).toBe(plain.length + profile.rtpTag);

      const buf = scratchWith(wire);
      const n = rust.unprotectRtp(buf, wire.length);
      expect(Buffer.from(buf.subarray(0, n))).toEqual(plain);
    }
  });

  it('Rust encrypts RTP in place, werift decrypts it', () => {
    const a = association(profile);
    const rust = context(profile, a.rustToWerift);
    expect(rust.rtpOverhead()).toBe(profile.rtpTag);
    for (const [i, seq] of SEQS.entries()) {
      const h = header(seq, i % 2 === 0);
      const plain = Buffer.concat([h.serialize(h.serializeSize), randomBytes(1100)]);
      const buf = scratchWith(plain);
      const n = rust.protectRtp(buf, plain.length);
      expect(n).toBe(plain.length + profile.rtpTag);
      expect(Buffer.from(buf.subarray(12, 40))).not.toEqual(plain.subarray(12, 40));

      expect(a.srtp.decrypt(Buffer.from(buf.subarray(0, n)))).toEqual(plain);
    }
  });

  it('SRTCP both ways, several packets and two SSRCs', () => {
    const a = association(profile);
    const rustIn = context(profile, a.weriftToRust);
    const rustOut = context(profile, a.rustToWerift);
    expect(rustOut.rtcpOverhead()).toBe(profile.rtcpOverhead);
    for (let round = 0; round < 3; round += 1) {
      for (const ssrc of [SSRC, 0x0badf00d]) {
        const plain = senderReport(ssrc, round);

        const fromWerift = a.srtcp.encrypt(plain);
        const buf = scratchWith(fromWerift);
        const n = rustIn.unprotectRtcp(buf, fromWerift.length);
        expect(Buffer.from(buf.subarray(0, n))).toEqual(plain);

        const out = scratchWith(plain);
        const m = rustOut.protectRtcp(out, plain.length);
        expect(m).toBe(plain.length + profile.rtcpOverhead);
        expect(a.srtcp.decrypt(Buffer.from(out.subarray(0, m)))).toEqual(plain);
      }
    }
  });

  it('rejects forged, replayed, short packets with coded errors; werift rejects other keys', () => {
    const a = association(profile);
    const rust = context(profile, a.weriftToRust);
    const h = header(4242, false);
    const wire = a.srtp.encrypt(randomBytes(300), h);

    const forged = scratchWith(wire);
    forged[20] = forged[20]! ^ 0x01;
    const e = thrown(() => rust.unprotectRtp(forged, wire.length));
    expect(e.message).toBe('auth_failed: authentication tag does not match');
    expect(e.code).toBe('auth_failed');

    expect(rust.unprotectRtp(scratchWith(wire), wire.length)).toBe(wire.length - profile.rtpTag);
    const replay = thrown(() => rust.unprotectRtp(scratchWith(wire), wire.length));
    expect(replay.code).toBe('replayed');
    expect(replay.message).toBe('replayed: SSRC 0x1234abcd, packet index 4242: already received');

    const rtcpWire = a.srtcp.encrypt(senderReport(SSRC, 9));
    const rtcpForged = scratchWith(rtcpWire);
    rtcpForged[10] = rtcpForged[10]! ^ 0x80;
    const rtcpError = thrown(() => rust.unprotectRtcp(rtcpForged, rtcpWire.length));
    expect(rtcpError.code).toBe('auth_failed');

    expect(thrown(() => rust.unprotectRtp(new Uint8Array(64), 5)).code).toBe('too_short');
    expect(thrown(() => rust.unprotectRtp(new Uint8Array(8), 64)).code).toBe('malformed');
    const noRoom = scratchWith(h.serialize(h.serializeSize)).subarray(0, 14);
    expect(thrown(() => rust.protectRtp(noRoom, 14)).code).toBe('too_short');

    // werift verifies tags too: a packet under another key fails there.
    const otherKey = { key: randomBytes(16), salt: randomBytes(profile.saltLength) };
    const stranger = context(profile, otherKey);
    const plain = h.serialize(h.serializeSize);
    const buf = scratchWith(plain);
    const n = stranger.protectRtp(buf, plain.length);
    expect(() => a.srtp.decrypt(Buffer.from(buf.subarray(0, n)))).toThrow();
  });
});

describe('BindingSrtpContext arguments', () => {
  it('rejects unknown profiles and keys of the wrong length', () => {
    const bytes = (n: number): Uint8Array => new Uint8Array(n);
    const unknown = thrown(() => new BindingSrtpContext(0x0008, bytes(16), bytes(12)));
    expect(unknown.message).toBe('invalid_argument: unsupported SRTP protection profile 0x0008');
    const salt = thrown(() => new BindingSrtpContext(0x0007, bytes(16), bytes(14)));
    expect(salt.message).toBe(
      'bad_key: master salt must be 12 bytes for SRTP_AEAD_AES_128_GCM, got 14',
    );
    expect(salt.code).toBe('bad_key');
    const key = thrown(() => new BindingSrtpContext(0x0001, bytes(15), bytes(14)));
    expect(key.code).toBe('bad_key');
  });
});
