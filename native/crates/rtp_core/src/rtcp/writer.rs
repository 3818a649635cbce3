//! Writers into caller-owned buffers. Each returns the number of bytes written, checks space
//! before writing anything, and never allocates. Compounds are built by writing one packet after
//! another: `n += write_xxx(&mut buf[n..], ...)?`.

use super::feedback::REMB_ID;
use super::reports::{ReportBlock, SenderReportFields, REPORT_BLOCK_LEN, SENDER_INFO_LEN};
use super::{
    RtcpError, FMT_AFB, FMT_FIR, FMT_NACK, FMT_PLI, MAX_REMB_SSRCS, MAX_REPORT_BLOCKS, PT_PSFB,
    PT_RR, PT_RTPFB, PT_SR,
};

/// The most 32-bit words a packet can have: the length field holds words minus one.
const MAX_WORDS: usize = 0x1_0000;

/// `buf[..needed]`, or `BufferTooSmall`.
fn room(buf: &mut [u8], needed: usize) -> Result<&mut [u8], RtcpError> {
    let available = buf.len();
    buf.get_mut(..needed)
        .ok_or(RtcpError::BufferTooSmall { needed, available })
}

// RFC 3550 §6.4.1: V=2, P=0, count or FMT, PT, length in words minus one
fn header(out: &mut [u8], count: u8, packet_type: u8) {
    let words = (out.len() / 4 - 1) as u16;
    out[0] = 0x80 | (count & 0x1F);
    out[1] = packet_type;
    out[2..4].copy_from_slice(&words.to_be_bytes());
}

fn check_blocks(blocks: &[ReportBlock]) -> Result<(), RtcpError> {
    if blocks.len() > MAX_REPORT_BLOCKS {
        return Err(RtcpError::TooMany {
            what: "report blocks",
            count: blocks.len(),
            max: MAX_REPORT_BLOCKS,
        });
    }
    Ok(())
}

fn put_blocks(out: &mut [u8], blocks: &[ReportBlock]) {
    for (chunk, block) in out.chunks_exact_mut(REPORT_BLOCK_LEN).zip(blocks) {
        block.write(chunk);
    }
}

/// Sender report (PT 200) with up to 31 report blocks.
// RFC 3550 §6.4.1
pub fn write_sender_report(
    buf: &mut [u8],
    sr: &SenderReportFields,
    blocks: &[ReportBlock],
) -> Result<usize, RtcpError> {
    check_blocks(blocks)?;
    let len = 4 + SENDER_INFO_LEN + REPORT_BLOCK_LEN * blocks.len();
    let out = room(buf, len)?;
    header(out, blocks.len() as u8, PT_SR);
    out[4..8].copy_from_slice(&sr.ssrc.to_be_bytes());
    out[8..16].copy_from_slice(&sr.ntp.to_be_bytes());
    out[16..20].copy_from_slice(&sr.rtp_ts.to_be_bytes());
    out[20..24].copy_from_slice(&sr.packet_count.to_be_bytes());
    out[24..28].copy_from_slice(&sr.octet_count.to_be_bytes());
    put_blocks(&mut out[28..], blocks);
    Ok(len)
}

/// Receiver report (PT 201) with up to 31 report blocks (none is valid: "nothing received").
// RFC 3550 §6.4.2
pub fn write_receiver_report(
    buf: &mut [u8],
    ssrc: u32,
    blocks: &[ReportBlock],
) -> Result<usize, RtcpError> {
    check_blocks(blocks)?;
    let len = 8 + REPORT_BLOCK_LEN * blocks.len();
    let out = room(buf, len)?;
    header(out, blocks.len() as u8, PT_RR);
    out[4..8].copy_from_slice(&ssrc.to_be_bytes());
    put_blocks(&mut out[8..], blocks);
    Ok(len)
}

/// The 12-byte common feedback head: header, sender SSRC, media source SSRC.
// RFC 4585 §6.1
fn feedback_head(out: &mut [u8], fmt: u8, packet_type: u8, sender_ssrc: u32, media_ssrc: u32) {
    header(out, fmt, packet_type);
    out[4..8].copy_from_slice(&sender_ssrc.to_be_bytes());
    out[8..12].copy_from_slice(&media_ssrc.to_be_bytes());
}

/// Picture Loss Indication (PSFB, FMT 1): 12 bytes, no FCI.
// RFC 4585 §6.3.1
pub fn write_pli(buf: &mut [u8], sender_ssrc: u32, media_ssrc: u32) -> Result<usize, RtcpError> {
    let out = room(buf, 12)?;
    feedback_head(out, FMT_PLI, PT_PSFB, sender_ssrc, media_ssrc);
    Ok(12)
}

/// Full Intra Request (PSFB, FMT 4) for one media SSRC with command sequence number `seq`
/// (increment it per new request, RFC 5104 §4.3.1.1). The header's media SSRC is 0.
// RFC 5104 §4.3.1.1 (FCI: SSRC, seq nr, 24 reserved bits), §4.3.1.2 (media source SSRC unused)
pub fn write_fir(
    buf: &mut [u8],
    sender_ssrc: u32,
    media_ssrc: u32,
    seq: u8,
) -> Result<usize, RtcpError> {
    let out = room(buf, 20)?;
    feedback_head(out, FMT_FIR, PT_PSFB, sender_ssrc, 0);
    out[12..16].copy_from_slice(&media_ssrc.to_be_bytes());
    out[16..20].copy_from_slice(&[seq, 0, 0, 0]);
    Ok(20)
}

/// Packs lost sequence numbers into `(PID, BLP)` pairs: a number within 1..=16 after the current
/// PID sets its BLP bit, anything else starts a new pair. Ascending input (modulo 2^16) gives
/// the fewest pairs; any order is still correct. Repeats of a PID are skipped.
// RFC 4585 §6.2.1
fn nack_pairs(lost: &[u16], mut emit: impl FnMut(u16, u16)) {
    let mut current: Option<(u16, u16)> = None;
    for &seq in lost {
        if let Some((pid, blp)) = current.as_mut() {
            match seq.wrapping_sub(*pid) {
                0 => continue,
                d @ 1..=16 => {
                    *blp |= 1 << (d - 1);
                    continue;
                }
                _ => emit(*pid, *blp),
            }
        }
        current = Some((seq, 0));
    }
    if let Some((pid, blp)) = current {
        emit(pid, blp);
    }
}

/// Generic NACK (RTPFB, FMT 1) listing `lost` (see the packing rule above).
pub fn write_nack(
    buf: &mut [u8],
    sender_ssrc: u32,
    media_ssrc: u32,
    lost: &[u16],
) -> Result<usize, RtcpError> {
    if lost.is_empty() {
        return Err(RtcpError::Empty {
            what: "lost sequence numbers",
        });
    }
    let mut pairs = 0usize;
    nack_pairs(lost, |_, _| pairs += 1);
    let max = MAX_WORDS - 3;
    if pairs > max {
        return Err(RtcpError::TooMany {
            what: "NACK entries",
            count: pairs,
            max,
        });
    }
    let len = 12 + 4 * pairs;
    let out = room(buf, len)?;
    feedback_head(out, FMT_NACK, PT_RTPFB, sender_ssrc, media_ssrc);
    let mut at = 12;
    nack_pairs(lost, |pid, blp| {
        out[at..at + 2].copy_from_slice(&pid.to_be_bytes());
        out[at + 2..at + 4].copy_from_slice(&blp.to_be_bytes());
        at += 4;
    });
    Ok(len)
}

/// Receiver Estimated Maximum Bitrate (PSFB, FMT 15) for up to 255 SSRCs. The bitrate is encoded
/// as an 18-bit mantissa and 6-bit exponent, rounded down (exact below 2^18 bps).
// draft-alvestrand-rmcat-remb-03 §2.2
pub fn write_remb(
    buf: &mut [u8],
    sender_ssrc: u32,
    bitrate_bps: u64,
    ssrcs: &[u32],
) -> Result<usize, RtcpError> {
    if ssrcs.len() > MAX_REMB_SSRCS {
        return Err(RtcpError::TooMany {
            what: "REMB SSRCs",
            count: ssrcs.len(),
            max: MAX_REMB_SSRCS,
        });
    }
    let len = 20 + 4 * ssrcs.len();
    let out = room(buf, len)?;
    feedback_head(out, FMT_AFB, PT_PSFB, sender_ssrc, 0);
    let mut exp = 0u32;
    while bitrate_bps >> exp >= 1 << 18 {
        exp += 1; // ends by 46: u64::MAX >> 46 < 2^18
    }
    let mantissa = (bitrate_bps >> exp) as u32;
    out[12..16].copy_from_slice(REMB_ID);
    out[16] = ssrcs.len() as u8;
    out[17] = (exp as u8) << 2 | (mantissa >> 16) as u8;
    out[18..20].copy_from_slice(&(mantissa as u16).to_be_bytes());
    for (chunk, ssrc) in out[20..].chunks_exact_mut(4).zip(ssrcs) {
        chunk.copy_from_slice(&ssrc.to_be_bytes());
    }
    Ok(len)
}
