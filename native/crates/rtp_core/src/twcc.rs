//! Transport-wide congestion control feedback, the receiver side
//! (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1): a publisher numbers every packet of
//! its transport in a header extension; the SFU records when each arrived and reports it back
//! every few tens of milliseconds, so the publisher's send-side estimator (Chromium's GoogCC) can
//! find the path's capacity in seconds instead of creeping up from its start rate.
//!
//! Pure: arrival times come in, RTCP feedback packets come out; the engine does the I/O.

use std::collections::BTreeMap;

use crate::rtcp::PT_RTPFB;
use crate::seq::SeqUnwrapper;

/// The header extension carrying the transport-wide sequence number.
pub const TWCC_URI: &str =
    "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
/// RTPFB format of transport-wide feedback.
const FMT_TWCC: u8 = 15;
/// Receive deltas count in 250 µs ticks; the reference time in 64 ms (256 ticks).
const US_PER_TICK: f64 = 250.0;
const TICKS_PER_REFERENCE: i64 = 256;
/// Packets one feedback reports at most (keeps it well inside one datagram); the rest wait for
/// the next one.
const MAX_STATUSES: usize = 400;
/// Arrivals kept at most while no feedback goes out (a publisher whose transport has no keys yet).
const MAX_PENDING: usize = 4096;

/// Status symbols (§3.1.1).
const NOT_RECEIVED: u8 = 0;
const SMALL_DELTA: u8 = 1;
const LARGE_DELTA: u8 = 2;

#[derive(Debug, Default)]
pub struct TwccRecorder {
    unwrap: SeqUnwrapper,
    /// Extended sequence number → arrival, in 250 µs ticks.
    arrivals: BTreeMap<u64, i64>,
    /// The first sequence number not reported yet.
    next: Option<u64>,
    feedback_count: u8,
}

impl TwccRecorder {
    /// One packet with transport-wide sequence number `seq` arrived at `arrival_ms`.
    pub fn record(&mut self, seq: u16, arrival_ms: f64) {
        let ext = self.unwrap.unwrap(seq);
        if self.next.is_some_and(|n| ext < n) {
            return; // already reported as lost; a late arrival changes nothing now
        }
        self.arrivals
            .insert(ext, (arrival_ms * 1000.0 / US_PER_TICK).round() as i64);
        while self.arrivals.len() > MAX_PENDING {
            self.arrivals.pop_first();
        }
    }

    pub fn has_pending(&self) -> bool {
        !self.arrivals.is_empty()
    }

    /// Writes one feedback packet (RTPFB, FMT 15) for what arrived since the last one into `out`
    /// and returns its length; `None` when nothing is pending or `out` is too small. Packets
    /// between two arrivals that did not arrive are reported as not received.
    pub fn write_feedback(
        &mut self,
        sender_ssrc: u32,
        media_ssrc: u32,
        out: &mut [u8],
    ) -> Option<usize> {
        let (&first, &first_at) = self.arrivals.first_key_value()?;
        // From the first unreported number (the gap before `first` is loss), unless that gap
        // alone would fill the feedback: then from `first`.
        let base = match self.next {
            Some(next) if first - next < MAX_STATUSES as u64 / 2 => next,
            _ => first,
        };
        let reference = first_at.div_euclid(TICKS_PER_REFERENCE);

        // Statuses and deltas, from `base` up to the last arrival that fits.
        let mut symbols: Vec<u8> = Vec::new();
        let mut deltas: Vec<u8> = Vec::new();
        let mut previous = reference * TICKS_PER_REFERENCE;
        let mut last_included = base;
        for seq in base.. {
            if symbols.len() == MAX_STATUSES {
                break;
            }
            let Some(&at) = self.arrivals.get(&seq) else {
                if self.arrivals.range(seq..).next().is_none() {
                    break;
                }
                symbols.push(NOT_RECEIVED);
                continue;
            };
            let delta = at - previous;
            if (0..=255).contains(&delta) {
                symbols.push(SMALL_DELTA);
                deltas.push(delta as u8);
            } else if let Ok(large) = i16::try_from(delta) {
                symbols.push(LARGE_DELTA);
                deltas.extend_from_slice(&large.to_be_bytes());
            } else {
                break; // too far from the last one: it starts the next feedback
            }
            previous = at;
            last_included = seq;
        }
        // Trailing "not received" symbols say nothing yet: the packets may still come.
        while symbols.last() == Some(&NOT_RECEIVED) {
            symbols.pop();
        }
        if symbols.is_empty() {
            return None;
        }

        let chunks = status_chunks(&symbols);
        let body = 20 + 2 * chunks.len() + deltas.len();
        let padding = (4 - body % 4) % 4;
        let len = body + padding;
        let out = out.get_mut(..len)?;
        out[0] = 0x80 | if padding > 0 { 0x20 } else { 0 } | FMT_TWCC;
        out[1] = PT_RTPFB;
        out[2..4].copy_from_slice(&((len / 4 - 1) as u16).to_be_bytes());
        out[4..8].copy_from_slice(&sender_ssrc.to_be_bytes());
        out[8..12].copy_from_slice(&media_ssrc.to_be_bytes());
        out[12..14].copy_from_slice(&(base as u16).to_be_bytes());
        out[14..16].copy_from_slice(&(symbols.len() as u16).to_be_bytes());
        let reference_field = (reference as u32) & 0x00ff_ffff;
        out[16..19].copy_from_slice(&reference_field.to_be_bytes()[1..]);
        out[19] = self.feedback_count;
        let mut at = 20;
        for chunk in chunks {
            out[at..at + 2].copy_from_slice(&chunk.to_be_bytes());
            at += 2;
        }
        out[at..at + deltas.len()].copy_from_slice(&deltas);
        at += deltas.len();
        out[at..len].fill(0);
        if padding > 0 {
            out[len - 1] = padding as u8; // RFC 3550 §6.4.1: the last octet counts the padding
        }

        self.feedback_count = self.feedback_count.wrapping_add(1);
        self.next = Some(last_included + 1);
        self.arrivals = self.arrivals.split_off(&(last_included + 1));
        Some(len)
    }
}

/// Packet status chunks (§3.1.3, §3.1.4): a run-length chunk where at least 7 equal symbols
/// follow (or all the rest are equal), else a two-bit status vector chunk of up to 7 symbols.
fn status_chunks(symbols: &[u8]) -> Vec<u16> {
    let mut chunks = Vec::new();
    let mut i = 0;
    while i < symbols.len() {
        let run = symbols[i..]
            .iter()
            .take_while(|&&s| s == symbols[i])
            .count()
            .min(0x1fff);
        if run >= 7 || i + run == symbols.len() {
            chunks.push((u16::from(symbols[i]) << 13) | run as u16);
            i += run;
        } else {
            let mut chunk: u16 = 0b11 << 14; // T=1 (vector), S=1 (two-bit symbols)
            for (k, &s) in symbols[i..].iter().take(7).enumerate() {
                chunk |= u16::from(s) << (12 - 2 * k);
            }
            chunks.push(chunk);
            i += 7;
        }
    }
    chunks
}

#[cfg(test)]
mod tests;
