// Writes the seed corpus of every fuzz target into native/fuzz/corpus/<target>/. Each seed is a
// small, valid example laid out by hand from its RFC, so libFuzzer starts from deep paths.
// Run from anywhere: `node native/fuzz/gen-corpus.mjs` (Node ≥ 18, no dependencies).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), 'corpus');

const u16 = (v) => [(v >> 8) & 0xff, v & 0xff];
const u32 = (v) => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
const ascii = (s) => [...s].map((c) => c.charCodeAt(0));
const pad4 = (bytes) => [...bytes, ...new Array((4 - (bytes.length % 4)) % 4).fill(0)];

/** RTP packet (RFC 3550 §5.1) with optional CSRCs, extension block and padding. */
function rtp({ pt = 96, seq = 1, ts = 3000, ssrc = 0x11111111, marker = false, csrcs = [], ext, payload = [], padding = 0 }) {
  let b0 = 0x80 | csrcs.length;
  if (ext) b0 |= 0x10;
  if (padding) b0 |= 0x20;
  const out = [b0, (marker ? 0x80 : 0) | pt, ...u16(seq), ...u32(ts), ...u32(ssrc)];
  for (const c of csrcs) out.push(...u32(c));
  if (ext) {
    const block = pad4(ext.block);
    out.push(...u16(ext.profile), ...u16(block.length / 4), ...block);
  }
  out.push(...payload);
  if (padding) out.push(...new Array(padding - 1).fill(0), padding);
  return out;
}

/** RFC 8285 §4.2 one-byte elements. */
const oneByte = (elements) => ({
  profile: 0xbede,
  block: elements.flatMap(([id, data]) => [(id << 4) | (data.length - 1), ...data]),
});
/** RFC 8285 §4.3 two-byte elements. */
const twoByte = (elements) => ({
  profile: 0x1000,
  block: elements.flatMap(([id, data]) => [id, data.length, ...data]),
});

const VP8_KEY = [0x90, 0x80, 0x80, 0x2a, 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01];
const VP8_DELTA = [0x90, 0x80, 0x80, 0x2b, 0x31, 0x01, 0x00, 0xcc, 0xdd];
const OPUS = [0xfc, 0xff, 0xfe, 0x01, 0x02];
const H264_IDR = [0x65, 0x88, 0x84, 0x00, 0x33];
const VIDEO_EXT = oneByte([[1, ascii('0')], [3, [0x12, 0x34, 0x56]], [5, [0x00, 0x2a]]]);

const rr = [0x81, 0xc9, 0x00, 0x07, ...u32(1), ...u32(0x2a7b3c4d), 0x05, 0x00, 0x00, 0x12, ...u32(0x00010f3a), ...u32(35), ...u32(0xd2e41a2b), ...u32(0x8000)];
const sdes = [0x81, 0xca, 0x00, 0x06, ...u32(1), 0x01, 0x10, ...ascii('abcdefghijklmnop'), 0x00, 0x00];
const remb = [0x8f, 0xce, 0x00, 0x05, ...u32(1), ...u32(0), ...ascii('REMB'), 0x01, 0x0e, 0xdc, 0x6c, ...u32(0x2a7b3c4d)];
const nack = [0x81, 0xcd, 0x00, 0x03, ...u32(1), ...u32(0x2a7b3c4d), 0x0f, 0x30, 0x00, 0x05];
const sr = [0x80, 0xc8, 0x00, 0x06, ...u32(0x2a7b3c4d), ...u32(0xe94e6e20), ...u32(0x80000000), ...u32(1234567), ...u32(1000), ...u32(1000000)];
const pli = [0x81, 0xce, 0x00, 0x02, ...u32(1), ...u32(0x2a7b3c4d)];
const fir = [0x84, 0xce, 0x00, 0x04, ...u32(1), ...u32(0), ...u32(0x2a7b3c4d), 0x07, 0, 0, 0];
const twcc = [0xaf, 0xcd, 0x00, 0x06, ...u32(1), ...u32(0x2a7b3c4d), 0x00, 0x01, 0x00, 0x03, 0x00, 0x00, 0x10, 0x00, 0x20, 0x03, 0x04, 0x04, 0x04, 0x00, 0x00, 0x03];

// RFC 5769 §2.1 sample request (USERNAME "evtj:h6vY") and §2.2 sample IPv4 response.
const stunRequest = [
  0x00, 0x01, 0x00, 0x58, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
  0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x10, ...ascii('STUN test client'), 0x00, 0x24, 0x00, 0x04,
  0x6e, 0x00, 0x01, 0xff, 0x80, 0x29, 0x00, 0x08, 0x93, 0x2f, 0xf9, 0xb1, 0x51, 0x26, 0x3b, 0x36,
  0x00, 0x06, 0x00, 0x09, ...ascii('evtj:h6vY'), 0x20, 0x20, 0x20, 0x00, 0x08, 0x00, 0x14,
  0x9a, 0xea, 0xa7, 0x0c, 0xbf, 0xd8, 0xcb, 0x56, 0x78, 0x1e, 0xf2, 0xb5, 0xb2, 0xd3, 0xf2, 0x49,
  0xc1, 0xb5, 0x71, 0xa2, 0x80, 0x28, 0x00, 0x04, 0xe5, 0x7a, 0x3b, 0xcf,
];
const stunResponse = [
  0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
  0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, ...ascii('test vector'), 0x20, 0x00, 0x20, 0x00, 0x08,
  0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43, 0x00, 0x08, 0x00, 0x14, 0x2b, 0x91, 0xf5, 0x99,
  0xfd, 0x9e, 0x90, 0xc3, 0x8c, 0x74, 0x89, 0xf9, 0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b, 0xe7, 0xd7,
  0x80, 0x28, 0x00, 0x04, 0xc0, 0x7d, 0x4c, 0x96,
];
// DTLS 1.2 handshake record header + ClientHello head (RFC 6347 §4.1, §4.2.2).
const dtlsHello = [0x16, 0xfe, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x0c, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];

/** router_ingest script op: ingest `packet` into track `t` (low 3 bits 0..=3 keep the bytes). */
const ingest = (t, packet) => [(t << 3) | 4, packet.length, ...packet];
const advance = (ms7) => [(ms7 << 3) | 5];

const seeds = {
  rtp_parse: {
    vp8_one_byte_ext: rtp({ ext: VIDEO_EXT, payload: VP8_KEY, marker: true }),
    opus_audio_level: rtp({ pt: 111, ext: oneByte([[1, [0x9f]]]), payload: OPUS }),
    two_byte_ext: rtp({ ext: twoByte([[20, [1, 2, 3]], [200, []]]), payload: H264_IDR }),
    csrcs_padding: rtp({ csrcs: [1, 2], payload: [1, 2, 3], padding: 4 }),
    bare_header: rtp({}),
  },
  rtcp_compound: {
    chrome_rr_sdes_remb_nack: [...rr, ...sdes, ...remb, ...nack],
    sr_sdes: [...sr, ...sdes],
    pli_fir_twcc: [...pli, ...fir, ...twcc],
  },
  header_extensions: {
    // 3 mappings (1→9, 3→14, 5→20: two-byte output) then a VP8 packet with ids 1, 3, 5.
    remap_to_two_byte: [3, 1, 9, 3, 14, 5, 20, ...rtp({ ext: VIDEO_EXT, payload: VP8_KEY })],
    // 2 mappings (1→2, 3→0 = dropped) over one-byte input.
    drop_one: [2, 1, 2, 3, 0, ...rtp({ ext: VIDEO_EXT, payload: VP8_DELTA })],
    two_byte_in: [1, 20, 4, ...rtp({ ext: twoByte([[20, [7]], [21, [8, 9]]]), payload: OPUS })],
  },
  demux_stun: {
    stun_request: stunRequest,
    stun_response: stunResponse,
    dtls_client_hello: dtlsHello,
    rtp: rtp({ ext: VIDEO_EXT, payload: VP8_KEY }),
    rtcp: [...rr, ...remb],
  },
  keyframe: {
    vp8_key: [1, ...VP8_KEY],
    vp9_key: [2, 0x8a, 0x80, 0x01, 0x82, 0x49, 0x83, 0x42],
    h264_idr: [3, ...H264_IDR],
    h264_stap_a: [3, 0x78, 0x00, 0x03, 0x67, 0x42, 0x00, 0x00, 0x02, 0x68, 0xce, 0x00, 0x03, 0x65, 0x88, 0x84],
    h264_fu_a_start: [3, 0x7c, 0x85, 0x88, 0x84],
    h265_idr: [4, 0x26, 0x01, 0xaf, 0x06],
    h265_fu_start: [4, 0x62, 0x01, 0x93, 0xaf],
    av1_new_sequence: [5, 0x18, 0x0a, 0x0b],
  },
  router_ingest: {
    vp8_then_audio: [
      ...ingest(0, rtp({ seq: 100, ext: VIDEO_EXT, payload: VP8_DELTA })),
      ...ingest(0, rtp({ seq: 101, ext: VIDEO_EXT, payload: VP8_KEY, marker: true })),
      ...advance(3),
      ...ingest(0, rtp({ seq: 102, ts: 6000, ext: VIDEO_EXT, payload: VP8_DELTA })),
      ...ingest(2, rtp({ pt: 111, seq: 7, ext: oneByte([[1, [0x9f]]]), payload: OPUS })),
    ],
    switch_source: [
      ...ingest(0, rtp({ seq: 1, payload: VP8_KEY })),
      ...[(1 << 3) | 6],
      ...ingest(1, rtp({ pt: 98, seq: 500, ssrc: 0x22222222, payload: VP8_KEY })),
      ...[(1 << 3) | 7],
      ...ingest(0, rtp({ pt: 102, seq: 2, payload: H264_IDR })),
    ],
  },
  srtp_unprotect: {
    cm_rtp: [0, ...rtp({ ext: VIDEO_EXT, payload: VP8_KEY })],
    gcm_rtp: [1, ...rtp({ pt: 111, payload: OPUS })],
    cm_rtcp: [2, ...rr, ...remb],
    gcm_rtcp: [3, ...sr],
  },
};

for (const [target, files] of Object.entries(seeds)) {
  const dir = join(root, target);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) {
    writeFileSync(join(dir, name), Uint8Array.from(bytes));
  }
}
console.log(`seed corpus written to ${root}`);
