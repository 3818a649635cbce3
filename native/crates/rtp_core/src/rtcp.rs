//! RTCP compound packets: a zero-copy reader ([`iter`]) and writers into caller-owned buffers.
//!
//! Covered: SR and RR with report blocks (RFC 3550 §6.4), SDES and BYE (recognised, not decoded),
//! Generic NACK and transport-wide congestion control feedback (RFC 4585 §6.2; TWCC
//! draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1, identified only), PLI (RFC 4585 §6.3.1),
//! FIR (RFC 5104 §4.3.1) and REMB (draft-alvestrand-rmcat-remb-03 §2.2). Anything else is
//! [`RtcpPacket::Other`].
//!
//! The reader is tolerant: it does not insist on SR/RR first (RFC 5506 reduced-size RTCP), ignores
//! bytes after what a packet type defines, and a malformed packet inside a compound yields one
//! `Err` while the packets after it are still read, as long as its length field could be trusted.
//! Nothing here panics or allocates.

mod feedback;
mod reports;
mod writer;

use thiserror::Error;

pub use feedback::{FirEntries, NackPairs, RembSsrcs};
pub use reports::{ReceiverReport, ReportBlock, ReportBlocks, SenderReport, SenderReportFields};
pub use writer::{
    write_fir, write_nack, write_pli, write_receiver_report, write_remb, write_sender_report,
};

/// RFC 3550 §12.1 and RFC 4585 §6.1 packet types.
pub const PT_SR: u8 = 200;
pub const PT_RR: u8 = 201;
pub const PT_SDES: u8 = 202;
pub const PT_BYE: u8 = 203;
pub const PT_APP: u8 = 204;
pub const PT_RTPFB: u8 = 205;
pub const PT_PSFB: u8 = 206;

/// RTPFB feedback message types (FMT).
pub const FMT_NACK: u8 = 1;
pub const FMT_TWCC: u8 = 15;
/// PSFB feedback message types (FMT); REMB is an application-layer feedback (AFB, 15).
pub const FMT_PLI: u8 = 1;
pub const FMT_FIR: u8 = 4;
pub const FMT_AFB: u8 = 15;

/// RFC 3550 §6.4: the 5-bit report count.
pub const MAX_REPORT_BLOCKS: usize = 31;
/// REMB: the 8-bit "Num SSRC" field.
pub const MAX_REMB_SSRCS: usize = 255;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum RtcpError {
    #[error("{len} bytes left is shorter than the 4-byte RTCP header")]
    TooShort { len: usize },
    #[error("RTCP version {0} is not 2")]
    BadVersion(u8),
    #[error("packet type {packet_type} declares {declared} bytes but only {available} are left")]
    LengthOverrun {
        packet_type: u8,
        declared: usize,
        available: usize,
    },
    #[error("packet type {packet_type} has an invalid padding count")]
    BadPadding { packet_type: u8 },
    #[error("packet type {packet_type} is too short for its contents")]
    Truncated { packet_type: u8 },
    #[error("{needed} bytes needed, the buffer has {available}")]
    BufferTooSmall { needed: usize, available: usize },
    #[error("{count} {what} is more than the {max} one packet can carry")]
    TooMany {
        what: &'static str,
        count: usize,
        max: usize,
    },
    #[error("no {what} to write")]
    Empty { what: &'static str },
}

/// One packet of a compound, borrowing its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RtcpPacket<'a> {
    SenderReport(SenderReport<'a>),
    ReceiverReport(ReceiverReport<'a>),
    SourceDescription,
    Bye,
    /// Picture Loss Indication.
    Pli {
        sender_ssrc: u32,
        media_ssrc: u32,
    },
    /// Full Intra Request; each entry is `(media ssrc, command sequence number)`.
    Fir {
        sender_ssrc: u32,
        entries: FirEntries<'a>,
    },
    /// Generic NACK; `pairs` yields every lost sequence number (PID and the BLP bits expanded).
    Nack {
        sender_ssrc: u32,
        media_ssrc: u32,
        pairs: NackPairs<'a>,
    },
    /// Receiver Estimated Maximum Bitrate, applying to the SSRCs listed.
    Remb {
        sender_ssrc: u32,
        bitrate_bps: u64,
        ssrcs: RembSsrcs<'a>,
    },
    /// Transport-wide congestion control feedback (contents not decoded).
    TransportCc {
        sender_ssrc: u32,
        media_ssrc: u32,
    },
    /// Any other packet type, or a feedback type (FMT) this reader does not know.
    Other {
        packet_type: u8,
    },
}

/// Iterates over the packets of a compound RTCP packet (one decrypted datagram).
pub fn iter(buf: &[u8]) -> RtcpIter<'_> {
    RtcpIter { rest: buf }
}

/// See [`iter`]. After a header error (short, wrong version, length overrun) it yields that error
/// once and then ends, since the next packet's start is unknown.
#[derive(Debug, Clone)]
pub struct RtcpIter<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for RtcpIter<'a> {
    type Item = Result<RtcpPacket<'a>, RtcpError>;

    // RFC 3550 §6.4.1: V (2 bits), P, count/FMT (5 bits), PT, length in 32-bit words minus one
    fn next(&mut self) -> Option<Self::Item> {
        let buf = self.rest;
        if buf.is_empty() {
            return None;
        }
        self.rest = &[];
        if buf.len() < 4 {
            return Some(Err(RtcpError::TooShort { len: buf.len() }));
        }
        let version = buf[0] >> 6;
        if version != 2 {
            return Some(Err(RtcpError::BadVersion(version)));
        }
        let packet_type = buf[1];
        let declared = (usize::from(u16::from_be_bytes([buf[2], buf[3]])) + 1) * 4;
        if declared > buf.len() {
            return Some(Err(RtcpError::LengthOverrun {
                packet_type,
                declared,
                available: buf.len(),
            }));
        }
        let (packet, tail) = buf.split_at(declared);
        self.rest = tail;
        Some(parse_packet(packet))
    }
}

impl std::iter::FusedIterator for RtcpIter<'_> {}

/// `packet` is exactly one packet as delimited by its length field (at least 4 bytes).
fn parse_packet(packet: &[u8]) -> Result<RtcpPacket<'_>, RtcpError> {
    let packet_type = packet[1];
    let count = packet[0] & 0x1F;
    let mut end = packet.len();
    // RFC 3550 §6.4.1: with P set, the last octet counts the padding octets, itself included.
    if packet[0] & 0x20 != 0 {
        let pad = usize::from(packet[end - 1]);
        if pad == 0 || pad > end - 4 {
            return Err(RtcpError::BadPadding { packet_type });
        }
        end -= pad;
    }
    let body = &packet[4..end];
    let truncated = RtcpError::Truncated { packet_type };
    match packet_type {
        PT_SR => SenderReport::parse(body, count)
            .map(RtcpPacket::SenderReport)
            .ok_or(truncated),
        PT_RR => ReceiverReport::parse(body, count)
            .map(RtcpPacket::ReceiverReport)
            .ok_or(truncated),
        PT_SDES => Ok(RtcpPacket::SourceDescription),
        PT_BYE => Ok(RtcpPacket::Bye),
        PT_RTPFB | PT_PSFB => feedback::parse(packet_type, count, body).ok_or(truncated),
        _ => Ok(RtcpPacket::Other { packet_type }),
    }
}

fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

#[cfg(test)]
mod tests;
