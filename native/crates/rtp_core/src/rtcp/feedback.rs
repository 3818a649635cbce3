//! Transport-layer (RTPFB, PT 205) and payload-specific (PSFB, PT 206) feedback messages: the
//! common 8-byte head of RFC 4585 §6.1 and the FCI of NACK, PLI, FIR, REMB and TWCC.

use super::{be32, RtcpPacket, FMT_AFB, FMT_FIR, FMT_NACK, FMT_PLI, FMT_TWCC, PT_RTPFB};

/// REMB's unique identifier, the first 4 bytes of its FCI.
pub(super) const REMB_ID: &[u8; 4] = b"REMB";

/// `body` starts after the 4-byte header. `None` when a known message is too short.
// RFC 4585 §6.1: sender SSRC, media source SSRC, then the feedback control information (FCI)
pub(super) fn parse(packet_type: u8, fmt: u8, body: &[u8]) -> Option<RtcpPacket<'_>> {
    if body.len() < 8 {
        return None;
    }
    let sender_ssrc = be32(body, 0);
    let media_ssrc = be32(body, 4);
    let fci = &body[8..];
    let packet = match (packet_type == PT_RTPFB, fmt) {
        (true, FMT_NACK) => RtcpPacket::Nack {
            sender_ssrc,
            media_ssrc,
            pairs: NackPairs::new(fci),
        },
        (true, FMT_TWCC) => RtcpPacket::TransportCc {
            sender_ssrc,
            media_ssrc,
        },
        (false, FMT_PLI) => RtcpPacket::Pli {
            sender_ssrc,
            media_ssrc,
        },
        (false, FMT_FIR) => RtcpPacket::Fir {
            sender_ssrc,
            entries: FirEntries { data: fci },
        },
        (false, FMT_AFB) if fci.starts_with(REMB_ID) => parse_remb(sender_ssrc, fci)?,
        _ => RtcpPacket::Other { packet_type },
    };
    Some(packet)
}

// draft-alvestrand-rmcat-remb-03 §2.2: "REMB", Num SSRC (8), BR Exp (6), BR Mantissa (18), SSRCs
fn parse_remb(sender_ssrc: u32, fci: &[u8]) -> Option<RtcpPacket<'_>> {
    let head = fci.get(4..8)?;
    let count = usize::from(head[0]);
    let exp = u32::from(head[1] >> 2);
    let mantissa = u128::from(u32::from_be_bytes([0, head[1] & 0x03, head[2], head[3]]));
    // At most 2^18 · 2^63: computed wide, saturated into u64.
    let bitrate_bps = u64::try_from(mantissa << exp).unwrap_or(u64::MAX);
    let ssrcs = fci.get(8..8 + 4 * count)?;
    Some(RtcpPacket::Remb {
        sender_ssrc,
        bitrate_bps,
        ssrcs: RembSsrcs { data: ssrcs },
    })
}

/// FIR entries `(media ssrc, command sequence number)` (RFC 5104 §4.3.1.1). A trailing partial
/// entry is ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirEntries<'a> {
    data: &'a [u8],
}

impl Iterator for FirEntries<'_> {
    type Item = (u32, u8);

    fn next(&mut self) -> Option<(u32, u8)> {
        let entry = self.data.get(..8)?;
        self.data = &self.data[8..];
        Some((be32(entry, 0), entry[4]))
    }
}

/// The lost sequence numbers of a Generic NACK, in FCI order: each PID, then PID + i + 1 for every
/// set bit i of its BLP (RFC 4585 §6.2.1). Wraps at 65535.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NackPairs<'a> {
    /// FCI entries not yet started.
    data: &'a [u8],
    base: u16,
    /// Bit i set = `base + i` still to be yielded (bit 0 is the PID itself).
    pending: u32,
}

impl<'a> NackPairs<'a> {
    fn new(fci: &'a [u8]) -> Self {
        Self {
            data: fci,
            base: 0,
            pending: 0,
        }
    }

    /// The raw `(PID, BLP)` entries not yet expanded by this iterator.
    pub fn raw(&self) -> impl Iterator<Item = (u16, u16)> + 'a {
        self.data.chunks_exact(4).map(|e| {
            (
                u16::from_be_bytes([e[0], e[1]]),
                u16::from_be_bytes([e[2], e[3]]),
            )
        })
    }
}

impl Iterator for NackPairs<'_> {
    type Item = u16;

    fn next(&mut self) -> Option<u16> {
        while self.pending == 0 {
            let entry = self.data.get(..4)?;
            self.data = &self.data[4..];
            self.base = u16::from_be_bytes([entry[0], entry[1]]);
            self.pending = u32::from(u16::from_be_bytes([entry[2], entry[3]])) << 1 | 1;
        }
        let bit = self.pending.trailing_zeros();
        self.pending &= self.pending - 1;
        Some(self.base.wrapping_add(bit as u16))
    }
}

/// The SSRCs a REMB applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RembSsrcs<'a> {
    data: &'a [u8],
}

impl Iterator for RembSsrcs<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        let ssrc = self.data.get(..4)?;
        self.data = &self.data[4..];
        Some(be32(ssrc, 0))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.data.len() / 4;
        (n, Some(n))
    }
}

impl ExactSizeIterator for RembSsrcs<'_> {}
