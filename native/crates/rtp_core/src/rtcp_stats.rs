//! What RTCP reports need to know about RTP streams. [`ReceiveStats`] follows one incoming SSRC
//! (RFC 3550 A.1 sequence tracking, A.3 loss, A.8 jitter) and produces its report block;
//! [`SendStats`] follows one outgoing SSRC and fills a sender report. Times are milliseconds on the
//! caller's clock (any monotonic clock); NTP timestamps are passed in, so tests use fake times.

use crate::rtcp::{ReportBlock, SenderReportFields};

/// RFC 3550 A.1: a forward jump of this many or more is a "very large jump" (possible restart).
const MAX_DROPOUT: u16 = 3000;
/// RFC 3550 A.1: a backward step of up to this many is a reordered or duplicate packet.
const MAX_MISORDER: u16 = 100;
/// Seconds from 1900-01-01 (NTP era 0) to 1970-01-01 (Unix epoch).
pub const NTP_UNIX_OFFSET_SECS: u64 = 2_208_988_800;

/// Receiver-side statistics of one incoming SSRC.
#[derive(Debug, Clone, Default)]
pub struct ReceiveStats {
    started: bool,
    base_seq: u32,
    max_seq: u16,
    /// Wraps of the sequence number, times 2^16 (RFC 3550 A.1 `cycles`).
    cycles: u32,
    /// After a very large jump: the number that would confirm a restart if it came next.
    bad_seq: Option<u16>,
    received: u64,
    expected_prior: i64,
    received_prior: u64,
    /// Relative transit time of the previous packet in RTP units, once there is one.
    transit: Option<i32>,
    jitter: f64,
    /// Middle 32 bits of the last SR's NTP timestamp and when it arrived.
    last_sr: Option<(u32, f64)>,
}

impl ReceiveStats {
    pub fn new() -> Self {
        Self::default()
    }

    /// One received RTP packet. `arrival_ms` is on the same clock as `report_block`'s `now_ms`.
    // RFC 3550 A.1 (update_seq without probation), A.8 (jitter)
    pub fn on_packet(&mut self, seq: u16, rtp_ts: u32, arrival_ms: f64, clock_rate: u32) {
        if !self.started {
            self.restart(seq);
        } else {
            let udelta = seq.wrapping_sub(self.max_seq);
            if udelta < MAX_DROPOUT {
                if seq < self.max_seq {
                    self.cycles = self.cycles.wrapping_add(1 << 16);
                }
                self.max_seq = seq;
            } else if udelta <= u16::MAX - MAX_MISORDER + 1 {
                // A very large jump: count it only once the next packet confirms a restart.
                if self.bad_seq != Some(seq) {
                    self.bad_seq = Some(seq.wrapping_add(1));
                    return;
                }
                self.restart(seq);
            }
            // else: a duplicate or reordered packet, counted (RFC 3550 A.3 allows lost < 0).
        }
        self.received += 1;
        self.update_jitter(rtp_ts, arrival_ms, clock_rate);
    }

    fn restart(&mut self, seq: u16) {
        *self = Self {
            started: true,
            base_seq: u32::from(seq),
            max_seq: seq,
            last_sr: self.last_sr,
            ..Self::default()
        };
    }

    // RFC 3550 A.8: J += (|D| - J) / 16, D = difference of relative transit times
    fn update_jitter(&mut self, rtp_ts: u32, arrival_ms: f64, clock_rate: u32) {
        if clock_rate == 0 {
            return;
        }
        // Saturating float → int cast, then wrap to the 32-bit RTP clock: never panics.
        let arrival = (arrival_ms * f64::from(clock_rate) / 1000.0) as i64 as u32;
        let transit = arrival.wrapping_sub(rtp_ts) as i32;
        if let Some(previous) = self.transit {
            let d = f64::from(transit.wrapping_sub(previous).unsigned_abs());
            self.jitter += (d - self.jitter) / 16.0;
        }
        self.transit = Some(transit);
    }

    /// An SR from this source arrived at `arrival_ms`; feeds LSR/DLSR of later report blocks.
    pub fn on_sender_report(&mut self, ntp: u64, arrival_ms: f64) {
        self.last_sr = Some((compact_ntp(ntp), arrival_ms));
    }

    /// True once a packet has been counted.
    pub fn has_received(&self) -> bool {
        self.started && self.received > 0
    }

    /// Packets counted so far, duplicates included.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// Cycles << 16 | highest sequence number received.
    pub fn extended_highest_seq(&self) -> u32 {
        self.cycles.wrapping_add(u32::from(self.max_seq))
    }

    /// Interarrival jitter in RTP timestamp units.
    pub fn jitter(&self) -> f64 {
        self.jitter
    }

    /// The report block about this source (`ssrc`) at `now_ms`. Loss fraction covers the time
    /// since the previous call, so call it once per report sent.
    // RFC 3550 A.3 (loss), §6.4.1 (LSR, DLSR in 1/65536 s)
    pub fn report_block(&mut self, ssrc: u32, now_ms: f64) -> ReportBlock {
        let (lsr, dlsr) = match self.last_sr {
            Some((lsr, at)) => (lsr, ms_to_dlsr(now_ms - at)),
            None => (0, 0),
        };
        if !self.started {
            return ReportBlock {
                ssrc,
                lsr,
                dlsr,
                ..ReportBlock::default()
            };
        }
        let extended_max = i64::from(self.cycles) + i64::from(self.max_seq);
        let expected = extended_max - i64::from(self.base_seq) + 1;
        let received = self.received as i64;
        let expected_interval = expected - self.expected_prior;
        let lost_interval = expected_interval - (received - self.received_prior as i64);
        self.expected_prior = expected;
        self.received_prior = self.received;
        let fraction_lost = if expected_interval <= 0 || lost_interval <= 0 {
            0
        } else {
            ((lost_interval << 8) / expected_interval).min(255) as u8
        };
        ReportBlock {
            ssrc,
            fraction_lost,
            cumulative_lost: (expected - received).clamp(-0x80_0000, 0x7F_FFFF) as i32,
            highest_seq: self.extended_highest_seq(),
            jitter: self.jitter as u32,
            lsr,
            dlsr,
        }
    }
}

/// Sender-side statistics of one outgoing SSRC.
#[derive(Debug, Clone, Default)]
pub struct SendStats {
    packets: u32,
    octets: u32,
    /// Newest RTP timestamp sent and when (caller's clock).
    last: Option<(u32, f64)>,
}

impl SendStats {
    pub fn new() -> Self {
        Self::default()
    }

    /// One RTP packet sent with `payload_len` payload bytes (header and padding excluded).
    /// Counts wrap modulo 2^32 (RFC 3550 §6.4.1). A timestamp older than the newest one sent
    /// (reordering, retransmission) does not move the RTP/wallclock anchor.
    pub fn on_packet(&mut self, rtp_ts: u32, payload_len: usize, now_ms: f64) {
        self.packets = self.packets.wrapping_add(1);
        self.octets = self.octets.wrapping_add(payload_len as u32);
        let newer = match self.last {
            Some((ts, _)) => (rtp_ts.wrapping_sub(ts) as i32) >= 0,
            None => true,
        };
        if newer {
            self.last = Some((rtp_ts, now_ms));
        }
    }

    pub fn packet_count(&self) -> u32 {
        self.packets
    }

    pub fn octet_count(&self) -> u32 {
        self.octets
    }

    /// The SR fields for `now_ms`, which is the instant `ntp_now` denotes: the RTP timestamp is
    /// the newest one sent, advanced by the time since at `clock_rate`. `None` before the first
    /// packet (a source that has sent nothing sends RR, RFC 3550 §6.4).
    // RFC 3550 §6.4.1: NTP and RTP timestamps of the same instant
    pub fn sender_report(
        &self,
        ssrc: u32,
        now_ms: f64,
        ntp_now: u64,
        clock_rate: u32,
    ) -> Option<SenderReportFields> {
        let (ts, at_ms) = self.last?;
        let ticks = ((now_ms - at_ms) * f64::from(clock_rate) / 1000.0).round() as i64;
        Some(SenderReportFields {
            ssrc,
            ntp: ntp_now,
            rtp_ts: ts.wrapping_add(ticks as u32),
            packet_count: self.packets,
            octet_count: self.octets,
        })
    }
}

/// The middle 32 bits of an NTP timestamp (LSR, and the "compact" form of RFC 3550 §6.4.1).
pub fn compact_ntp(ntp: u64) -> u32 {
    (ntp >> 16) as u32
}

/// Milliseconds as 1/65536 s units, saturating; negative → 0.
fn ms_to_dlsr(ms: f64) -> u32 {
    (ms.max(0.0) * 65.536) as u32
}

/// 64-bit NTP timestamp for a Unix time in milliseconds (0 for times before 1900 or NaN).
pub fn ntp_from_unix_ms(unix_ms: f64) -> u64 {
    let secs = unix_ms.div_euclid(1000.0) as i64 + NTP_UNIX_OFFSET_SECS as i64;
    if secs < 0 || unix_ms.is_nan() {
        return 0;
    }
    let frac_ms = unix_ms.rem_euclid(1000.0);
    let frac = ((frac_ms / 1000.0) * 4_294_967_296.0) as u64;
    (secs as u64) << 32 | frac.min(u64::from(u32::MAX))
}

/// Unix time in milliseconds of a 64-bit NTP timestamp (era 0).
pub fn ntp_to_unix_ms(ntp: u64) -> f64 {
    let secs = (ntp >> 32) as f64 - NTP_UNIX_OFFSET_SECS as f64;
    let frac = (ntp & 0xFFFF_FFFF) as f64 / 4_294_967_296.0;
    (secs + frac) * 1000.0
}

/// NTP timestamp of the system wall clock now.
pub fn ntp_now() -> u64 {
    let unix_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0);
    ntp_from_unix_ms(unix_ms)
}

/// Round-trip time from a report block about one of our streams that arrived at `arrival_ntp`:
/// arrival − LSR − DLSR in compact NTP units. `None` when the block has no LSR.
// RFC 3550 §6.4.1 (figure 2)
pub fn round_trip_ms(block: &ReportBlock, arrival_ntp: u64) -> Option<f64> {
    if block.lsr == 0 {
        return None;
    }
    let rtt = compact_ntp(arrival_ntp)
        .wrapping_sub(block.lsr)
        .wrapping_sub(block.dlsr);
    // Negative (clock skew or a bogus DLSR) reads as huge; report it as 0.
    let rtt = if rtt > u32::MAX / 2 { 0 } else { rtt };
    Some(f64::from(rtt) / 65.536)
}

#[cfg(test)]
mod tests;
