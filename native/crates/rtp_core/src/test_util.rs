//! Test helpers: a small RTP packet builder and canned codec payloads for packet scripts.

use crate::rtp::{ONE_BYTE_PROFILE, TWO_BYTE_PROFILE};

/// Builds RTP packets byte by byte; defaults: PT 96, seq 0, ts 0, SSRC 0x1111_1111, no marker.
#[derive(Debug, Clone)]
pub struct PacketBuilder {
    payload_type: u8,
    seq: u16,
    ts: u32,
    ssrc: u32,
    marker: bool,
    csrcs: Vec<u32>,
    ext: Option<(u16, Vec<u8>)>,
    payload: Vec<u8>,
    padding: u8,
}

impl Default for PacketBuilder {
    fn default() -> Self {
        Self {
            payload_type: 96,
            seq: 0,
            ts: 0,
            ssrc: 0x1111_1111,
            marker: false,
            csrcs: Vec::new(),
            ext: None,
            payload: Vec::new(),
            padding: 0,
        }
    }
}

impl PacketBuilder {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn pt(mut self, pt: u8) -> Self {
        self.payload_type = pt;
        self
    }
    pub fn seq(mut self, seq: u16) -> Self {
        self.seq = seq;
        self
    }
    pub fn ts(mut self, ts: u32) -> Self {
        self.ts = ts;
        self
    }
    pub fn ssrc(mut self, ssrc: u32) -> Self {
        self.ssrc = ssrc;
        self
    }
    pub fn marker(mut self, marker: bool) -> Self {
        self.marker = marker;
        self
    }
    pub fn csrc(mut self, csrc: u32) -> Self {
        self.csrcs.push(csrc);
        self
    }
    pub fn payload(mut self, payload: &[u8]) -> Self {
        self.payload = payload.to_vec();
        self
    }
    /// Number of padding bytes including the count byte (0 = no padding).
    pub fn padding(mut self, count: u8) -> Self {
        self.padding = count;
        self
    }
    /// One-byte form (RFC 8285 §4.2) elements; data lengths must be 1..=16, ids 1..=14.
    pub fn one_byte_ext(mut self, elements: &[(u8, &[u8])]) -> Self {
        let mut block = Vec::new();
        for (id, data) in elements {
            block.push((id << 4) | (data.len() as u8 - 1));
            block.extend_from_slice(data);
        }
        self.ext = Some((ONE_BYTE_PROFILE, block));
        self
    }
    /// Two-byte form (RFC 8285 §4.3) elements.
    pub fn two_byte_ext(mut self, elements: &[(u8, &[u8])]) -> Self {
        let mut block = Vec::new();
        for (id, data) in elements {
            block.push(*id);
            block.push(data.len() as u8);
            block.extend_from_slice(data);
        }
        self.ext = Some((TWO_BYTE_PROFILE, block));
        self
    }
    /// Any profile and block bytes (padded to 4 with zeros).
    pub fn raw_ext(mut self, profile: u16, block: &[u8]) -> Self {
        self.ext = Some((profile, block.to_vec()));
        self
    }

    pub fn build(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(12 + self.payload.len() + 64);
        let mut b0 = 0x80 | self.csrcs.len() as u8;
        if self.ext.is_some() {
            b0 |= 0x10;
        }
        if self.padding > 0 {
            b0 |= 0x20;
        }
        out.push(b0);
        out.push(self.payload_type | if self.marker { 0x80 } else { 0 });
        out.extend_from_slice(&self.seq.to_be_bytes());
        out.extend_from_slice(&self.ts.to_be_bytes());
        out.extend_from_slice(&self.ssrc.to_be_bytes());
        for c in &self.csrcs {
            out.extend_from_slice(&c.to_be_bytes());
        }
        if let Some((profile, block)) = &self.ext {
            let mut block = block.clone();
            while block.len() % 4 != 0 {
                block.push(0);
            }
            out.extend_from_slice(&profile.to_be_bytes());
            out.extend_from_slice(&((block.len() / 4) as u16).to_be_bytes());
            out.extend_from_slice(&block);
        }
        out.extend_from_slice(&self.payload);
        if self.padding > 0 {
            out.extend(std::iter::repeat_n(0u8, usize::from(self.padding) - 1));
            out.push(self.padding);
        }
        out
    }
}

/// VP8 keyframe payload: descriptor X=1 S=1 PID=0, 15-bit picture id, then a key frame header.
pub fn vp8_key() -> Vec<u8> {
    vec![
        0x90, 0x80, 0x80, 0x2a, 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01, 0xaa,
        0xbb,
    ]
}

/// VP8 interframe payload (P bit set), start of partition 0.
pub fn vp8_delta() -> Vec<u8> {
    vec![0x90, 0x80, 0x80, 0x2b, 0x31, 0x01, 0x00, 0xcc, 0xdd]
}

/// VP8 continuation packet (S=0) of a keyframe: not a start point.
pub fn vp8_continuation() -> Vec<u8> {
    vec![0x80, 0x80, 0x80, 0x2a, 0x10, 0x02, 0x00, 0x9d]
}

/// H.264 single IDR NAL unit (type 5).
pub fn h264_idr() -> Vec<u8> {
    vec![0x65, 0x88, 0x84, 0x00, 0x33]
}

/// H.264 single non-IDR slice (type 1).
pub fn h264_non_idr() -> Vec<u8> {
    vec![0x41, 0x9a, 0x02, 0x03]
}

/// Opus-like audio payload.
pub fn opus_frame() -> Vec<u8> {
    vec![0xfc, 0xff, 0xfe, 0x01, 0x02]
}

/// Tiny deterministic generator for property-style tests (xorshift64*).
pub struct XorShift(u64);

impl XorShift {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    pub fn fill(&mut self, buf: &mut [u8]) {
        for b in buf {
            *b = self.next_u64() as u8;
        }
    }
}
