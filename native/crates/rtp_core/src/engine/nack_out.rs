//! NACKs to publishers (RFC 4585 §6.2.1): gaps in an incoming video stream's sequence numbers are
//! asked for again, so a packet lost between publisher and SFU can still reach every subscriber
//! (the router forwards a late packet like any other). A missing number is requested after a
//! short reorder delay, at most [`MAX_TRIES`] times, and forgotten after [`GIVE_UP_MS`].

use super::counters::Counter;
use super::state::State;
use crate::activity::Clock;
use crate::rtcp;

/// Missing numbers tracked per stream; a larger gap is a jump (restart), not loss.
const MAX_MISSING: usize = 128;
/// A hole younger than this may just be reordering.
const REORDER_MS: f64 = 10.0;
/// Between two requests for the same number.
const RETRY_MS: f64 = 100.0;
const MAX_TRIES: u8 = 3;
const GIVE_UP_MS: f64 = 1000.0;
/// How often the engine looks for numbers to request.
pub(crate) const NACK_INTERVAL_MS: f64 = 20.0;

#[derive(Debug, Clone, Copy)]
struct Missing {
    seq: u16,
    since_ms: f64,
    last_sent_ms: f64,
    tries: u8,
}

/// Loss tracking of one incoming stream.
#[derive(Debug, Default)]
pub struct NackState {
    highest: Option<u16>,
    missing: Vec<Missing>,
}

impl NackState {
    pub fn on_packet(&mut self, seq: u16, now_ms: f64) {
        let Some(highest) = self.highest else {
            self.highest = Some(seq);
            return;
        };
        let ahead = seq.wrapping_sub(highest) as i16;
        if ahead > 0 {
            let gap = usize::from(ahead.unsigned_abs()) - 1;
            if gap > MAX_MISSING {
                self.missing.clear(); // a jump: the sender restarted or skipped on purpose
            } else {
                for i in 1..=gap as u16 {
                    if self.missing.len() == MAX_MISSING {
                        self.missing.remove(0);
                    }
                    self.missing.push(Missing {
                        seq: highest.wrapping_add(i),
                        since_ms: now_ms,
                        last_sent_ms: f64::NEG_INFINITY,
                        tries: 0,
                    });
                }
            }
            self.highest = Some(seq);
        } else {
            self.missing.retain(|m| m.seq != seq); // late or resent: recovered
        }
    }

    /// The numbers to request now (at most `out.len()`); forgets hopeless ones.
    fn due(&mut self, now_ms: f64, out: &mut Vec<u16>) {
        self.missing
            .retain(|m| m.tries < MAX_TRIES && now_ms - m.since_ms < GIVE_UP_MS);
        for m in &mut self.missing {
            if now_ms - m.since_ms >= REORDER_MS && now_ms - m.last_sent_ms >= RETRY_MS {
                m.tries += 1;
                m.last_sent_ms = now_ms;
                out.push(m.seq);
            }
        }
    }

    #[cfg(test)]
    fn missing_seqs(&self) -> Vec<u16> {
        self.missing.iter().map(|m| m.seq).collect()
    }
}

impl<C: Clock> State<C> {
    /// Sends the NACKs that are due, one compound per stream with losses.
    pub(crate) fn send_nacks(&mut self, now: f64) {
        let State {
            endpoints,
            counters,
            out,
            nack_scratch,
            ..
        } = self;
        for ep in endpoints.iter_mut() {
            let (Some(pair), Some(to)) = (ep.srtp.as_mut(), ep.media_addr) else {
                continue;
            };
            let sender = ep.rtcp_ssrc;
            for (&ssrc, state) in ep.nacks.iter_mut() {
                nack_scratch.clear();
                state.due(now, nack_scratch);
                if nack_scratch.is_empty() {
                    continue;
                }
                let lost: &[u16] = nack_scratch;
                let sent = out.push(to, counters, |slot| {
                    let a = rtcp::write_receiver_report(slot, sender, &[]).ok()?;
                    let end = slot.len().min(1200);
                    let b = rtcp::write_nack(&mut slot[a..end], sender, ssrc, lost).ok()?;
                    pair.outbound.protect_rtcp(slot, a + b).ok()
                });
                if sent {
                    counters.inc(Counter::NackSent);
                    counters.inc(Counter::RtcpSent);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn due(s: &mut NackState, now: f64) -> Vec<u16> {
        let mut out = Vec::new();
        s.due(now, &mut out);
        out
    }

    #[test]
    fn gaps_are_requested_after_the_reorder_delay_then_retried_then_forgotten() {
        let mut s = NackState::default();
        s.on_packet(65534, 0.0);
        s.on_packet(1, 0.0); // 65535 and 0 missing, across the wrap
        assert_eq!(s.missing_seqs(), vec![65535, 0]);
        assert!(due(&mut s, 5.0).is_empty()); // may be reordering
        assert_eq!(due(&mut s, 10.0), vec![65535, 0]);
        assert!(due(&mut s, 50.0).is_empty()); // not again before the retry interval
        s.on_packet(0, 60.0); // recovered
        assert_eq!(due(&mut s, 110.0), vec![65535]);
        assert_eq!(due(&mut s, 210.0), vec![65535]);
        assert!(due(&mut s, 310.0).is_empty()); // three tries: given up
        assert!(s.missing_seqs().is_empty());
    }

    #[test]
    fn jumps_and_old_packets_are_not_losses() {
        let mut s = NackState::default();
        s.on_packet(100, 0.0);
        s.on_packet(100 + MAX_MISSING as u16 + 2, 0.0); // a jump
        assert!(s.missing_seqs().is_empty());
        s.on_packet(50, 0.0); // old
        assert!(s.missing_seqs().is_empty());
        let top = 100 + MAX_MISSING as u16 + 2;
        s.on_packet(top + 1, 0.0);
        s.on_packet(top + 3, 0.0);
        assert_eq!(s.missing_seqs(), vec![top + 2]);
        assert!(due(&mut s, 2000.0).is_empty()); // too old by then
    }
}
