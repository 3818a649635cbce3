//! Writes a forwarded packet into a caller-owned buffer: new SSRC, payload type, sequence number
//! and timestamp; marker, CSRCs, payload and padding preserved; header extensions re-numbered for
//! the subscriber (elements it did not negotiate are dropped). Nothing is allocated.

use crate::mapping::ExtensionMap;
use crate::rtp::{ExtensionForm, RtpPacket, FIXED_HEADER_LEN, ONE_BYTE_PROFILE, TWO_BYTE_PROFILE};

/// The per-packet values a route's forwarder decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RewriteParams {
    pub ssrc: u32,
    pub payload_type: u8,
    pub seq: u16,
    pub ts: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OutForm {
    None,
    OneByte,
    TwoByte,
}

/// Shape of the rewritten extension block, computed before writing so the caller can check space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtensionPlan {
    form: OutForm,
    /// Element bytes before padding to a 32-bit boundary.
    data_len: usize,
}

impl ExtensionPlan {
    /// One-byte form when every kept element has a subscriber id ≤ 14 and 1..=16 data bytes,
    /// otherwise two-byte form; no block at all when nothing is kept.
    // RFC 8285 §4.2 (one-byte: ids 1-14, length 1-16), §4.3 (two-byte: ids 1-255, length 0-255)
    pub fn new(packet: &RtpPacket<'_>, map: &ExtensionMap) -> Self {
        if packet
            .extension_form()
            .is_none_or(|f| f == ExtensionForm::Opaque)
        {
            return Self {
                form: OutForm::None,
                data_len: 0,
            };
        }
        let (mut kept, mut one_len, mut two_len, mut one_ok) = (0usize, 0usize, 0usize, true);
        for ext in packet.extensions() {
            let Some(id) = map.get(ext.id) else { continue };
            kept += 1;
            one_len += 1 + ext.data.len();
            two_len += 2 + ext.data.len();
            one_ok &= id <= 14 && (1..=16).contains(&ext.data.len());
        }
        let plan = match (kept, one_ok) {
            (0, _) => Self {
                form: OutForm::None,
                data_len: 0,
            },
            (_, true) => Self {
                form: OutForm::OneByte,
                data_len: one_len,
            },
            (_, false) => Self {
                form: OutForm::TwoByte,
                data_len: two_len,
            },
        };
        // The length field counts 32-bit words in 16 bits; a block that grew past it (only possible
        // for absurd, non-UDP-sized input) is left out rather than written with a wrong length.
        if plan.data_len.div_ceil(4) > usize::from(u16::MAX) {
            return Self {
                form: OutForm::None,
                data_len: 0,
            };
        }
        plan
    }

    /// Bytes of the whole block including its 4-byte head and padding; 0 when absent.
    // RFC 3550 §5.3.1: length in 32-bit words, excluding the 4-byte head
    pub fn block_len(&self) -> usize {
        match self.form {
            OutForm::None => 0,
            _ => 4 + self.data_len.div_ceil(4) * 4,
        }
    }
}

/// Length of the rewritten packet.
pub fn rewritten_len(packet: &RtpPacket<'_>, plan: &ExtensionPlan) -> usize {
    FIXED_HEADER_LEN
        + packet.csrc_bytes().len()
        + plan.block_len()
        + (packet.as_bytes().len() - packet.header_len())
}

/// Writes the rewritten packet at the start of `out`; returns its length, or `None` (nothing
/// written) if `out` is too small.
// RFC 3550 §5.1 (fixed header layout)
pub fn rewrite_into(
    packet: &RtpPacket<'_>,
    params: &RewriteParams,
    map: &ExtensionMap,
    plan: &ExtensionPlan,
    out: &mut [u8],
) -> Option<usize> {
    let total = rewritten_len(packet, plan);
    let out = out.get_mut(..total)?;
    let src = packet.as_bytes();

    let x_bit = if plan.form == OutForm::None { 0 } else { 0x10 };
    out[0] = 0x80 | (src[0] & 0x20) | x_bit | packet.csrc_count();
    out[1] = (src[1] & 0x80) | (params.payload_type & 0x7F);
    out[2..4].copy_from_slice(&params.seq.to_be_bytes());
    out[4..8].copy_from_slice(&params.ts.to_be_bytes());
    out[8..12].copy_from_slice(&params.ssrc.to_be_bytes());
    let mut at = FIXED_HEADER_LEN;
    let csrcs = packet.csrc_bytes();
    out[at..at + csrcs.len()].copy_from_slice(csrcs);
    at += csrcs.len();

    if plan.form != OutForm::None {
        at += write_extension_block(packet, map, plan, &mut out[at..at + plan.block_len()]);
    }
    out[at..].copy_from_slice(&src[packet.header_len()..]);
    Some(total)
}

/// Fills exactly `plan.block_len()` bytes; returns that length.
// RFC 8285 §4.2, §4.3
fn write_extension_block(
    packet: &RtpPacket<'_>,
    map: &ExtensionMap,
    plan: &ExtensionPlan,
    block: &mut [u8],
) -> usize {
    let (profile, one_byte) = match plan.form {
        OutForm::OneByte => (ONE_BYTE_PROFILE, true),
        _ => (TWO_BYTE_PROFILE, false),
    };
    let words = ((block.len() - 4) / 4) as u16;
    block[0..2].copy_from_slice(&profile.to_be_bytes());
    block[2..4].copy_from_slice(&words.to_be_bytes());
    let mut at = 4;
    for ext in packet.extensions() {
        let Some(id) = map.get(ext.id) else { continue };
        let len = ext.data.len();
        if one_byte {
            block[at] = (id << 4) | ((len - 1) as u8);
            at += 1;
        } else {
            block[at] = id;
            block[at + 1] = len as u8;
            at += 2;
        }
        block[at..at + len].copy_from_slice(ext.data);
        at += len;
    }
    block[at..].fill(0);
    block.len()
}

#[cfg(test)]
mod tests;
