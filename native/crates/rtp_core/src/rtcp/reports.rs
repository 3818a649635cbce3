//! Sender and receiver reports and their report blocks (RFC 3550 §6.4.1, §6.4.2).

use super::be32;

/// RFC 3550 §6.4.1: sender SSRC + NTP (8) + RTP ts + packet count + octet count.
pub(super) const SENDER_INFO_LEN: usize = 24;
/// RFC 3550 §6.4.1: one report block.
pub(super) const REPORT_BLOCK_LEN: usize = 24;

/// Reception statistics about one source, as carried in SR and RR.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReportBlock {
    pub ssrc: u32,
    /// Fraction of packets lost since the previous report, in 1/256 units.
    pub fraction_lost: u8,
    /// Signed 24-bit on the wire (duplicates can make it negative); writers clamp to that range.
    pub cumulative_lost: i32,
    /// Extended highest sequence number received (cycles << 16 | seq).
    pub highest_seq: u32,
    /// Interarrival jitter in RTP timestamp units.
    pub jitter: u32,
    /// Middle 32 bits of the NTP timestamp of the last SR received from this source (0 if none).
    pub lsr: u32,
    /// Delay since that SR in 1/65536 s (0 if none).
    pub dlsr: u32,
}

impl ReportBlock {
    // RFC 3550 §6.4.1 report block layout
    pub(super) fn read(b: &[u8]) -> Self {
        let lost = be32(b, 4);
        Self {
            ssrc: be32(b, 0),
            fraction_lost: b[4],
            cumulative_lost: ((lost << 8) as i32) >> 8, // sign-extend the low 24 bits
            highest_seq: be32(b, 8),
            jitter: be32(b, 12),
            lsr: be32(b, 16),
            dlsr: be32(b, 20),
        }
    }

    pub(super) fn write(&self, out: &mut [u8]) {
        let lost = self.cumulative_lost.clamp(-0x80_0000, 0x7F_FFFF) as u32 & 0x00FF_FFFF;
        out[0..4].copy_from_slice(&self.ssrc.to_be_bytes());
        out[4..8].copy_from_slice(&(u32::from(self.fraction_lost) << 24 | lost).to_be_bytes());
        out[8..12].copy_from_slice(&self.highest_seq.to_be_bytes());
        out[12..16].copy_from_slice(&self.jitter.to_be_bytes());
        out[16..20].copy_from_slice(&self.lsr.to_be_bytes());
        out[20..24].copy_from_slice(&self.dlsr.to_be_bytes());
    }
}

/// Iterator over the report blocks of an SR or RR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportBlocks<'a> {
    data: &'a [u8],
}

impl Iterator for ReportBlocks<'_> {
    type Item = ReportBlock;

    fn next(&mut self) -> Option<ReportBlock> {
        let block = self.data.get(..REPORT_BLOCK_LEN)?;
        self.data = &self.data[REPORT_BLOCK_LEN..];
        Some(ReportBlock::read(block))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.data.len() / REPORT_BLOCK_LEN;
        (n, Some(n))
    }
}

impl ExactSizeIterator for ReportBlocks<'_> {}

/// The sender-info fields of an SR, for writing one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SenderReportFields {
    pub ssrc: u32,
    /// 64-bit NTP timestamp (seconds since 1900 in the high 32 bits, fraction in the low 32).
    pub ntp: u64,
    /// The same instant as `ntp` on the stream's RTP clock.
    pub rtp_ts: u32,
    pub packet_count: u32,
    /// Payload octets sent (headers and padding excluded).
    pub octet_count: u32,
}

/// A sender report (PT 200) borrowing its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SenderReport<'a> {
    /// From the sender SSRC to the end of the report blocks.
    body: &'a [u8],
}

impl<'a> SenderReport<'a> {
    /// `body` starts after the 4-byte header; `None` when the `count` blocks do not fit. Bytes
    /// after the blocks (profile-specific extensions) are ignored.
    pub(super) fn parse(body: &'a [u8], count: u8) -> Option<Self> {
        let len = SENDER_INFO_LEN + REPORT_BLOCK_LEN * usize::from(count);
        Some(Self {
            body: body.get(..len)?,
        })
    }

    pub fn ssrc(&self) -> u32 {
        be32(self.body, 0)
    }

    pub fn ntp(&self) -> u64 {
        u64::from(be32(self.body, 4)) << 32 | u64::from(be32(self.body, 8))
    }

    pub fn rtp_ts(&self) -> u32 {
        be32(self.body, 12)
    }

    pub fn packet_count(&self) -> u32 {
        be32(self.body, 16)
    }

    pub fn octet_count(&self) -> u32 {
        be32(self.body, 20)
    }

    /// All the sender-info fields at once.
    pub fn fields(&self) -> SenderReportFields {
        SenderReportFields {
            ssrc: self.ssrc(),
            ntp: self.ntp(),
            rtp_ts: self.rtp_ts(),
            packet_count: self.packet_count(),
            octet_count: self.octet_count(),
        }
    }

    pub fn report_blocks(&self) -> ReportBlocks<'a> {
        ReportBlocks {
            data: &self.body[SENDER_INFO_LEN..],
        }
    }
}

/// A receiver report (PT 201) borrowing its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceiverReport<'a> {
    /// From the sender SSRC to the end of the report blocks.
    body: &'a [u8],
}

impl<'a> ReceiverReport<'a> {
    pub(super) fn parse(body: &'a [u8], count: u8) -> Option<Self> {
        let len = 4 + REPORT_BLOCK_LEN * usize::from(count);
        Some(Self {
            body: body.get(..len)?,
        })
    }

    pub fn ssrc(&self) -> u32 {
        be32(self.body, 0)
    }

    pub fn report_blocks(&self) -> ReportBlocks<'a> {
        ReportBlocks {
            data: &self.body[4..],
        }
    }
}
