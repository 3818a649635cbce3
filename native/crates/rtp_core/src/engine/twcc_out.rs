//! Transport-wide congestion control feedback to publishers (see `crate::twcc`): every
//! [`TWCC_INTERVAL_MS`], each endpoint with new arrivals gets them reported over SRTCP.

use super::counters::Counter;
use super::state::State;
use crate::activity::Clock;
use crate::rtcp;

/// How often arrivals are reported (libwebrtc's receivers report every 50–250 ms).
pub(crate) const TWCC_INTERVAL_MS: f64 = 50.0;
/// Feedback packets per endpoint and interval at most (each reports up to 400 packets).
const MAX_FEEDBACKS: usize = 4;

impl<C: Clock> State<C> {
    pub(super) fn send_twcc_feedback(&mut self) {
        let State {
            endpoints,
            counters,
            out,
            rtcp_buf,
            ..
        } = self;
        for ep in endpoints.iter_mut() {
            if !ep.twcc.has_pending() {
                continue;
            }
            let (Some(pair), Some(to)) = (ep.srtp.as_mut(), ep.media_addr) else {
                continue;
            };
            for _ in 0..MAX_FEEDBACKS {
                // RFC 3550 §6.1: a compound packet starts with a report; an empty RR serves.
                let Ok(rr) = rtcp::write_receiver_report(rtcp_buf, ep.rtcp_ssrc, &[]) else {
                    break;
                };
                let Some(fb) =
                    ep.twcc
                        .write_feedback(ep.rtcp_ssrc, ep.twcc_media_ssrc, &mut rtcp_buf[rr..])
                else {
                    break;
                };
                let len = rr + fb;
                let bytes = &rtcp_buf[..len];
                if out.push(to, counters, |slot| {
                    slot.get_mut(..len)?.copy_from_slice(bytes);
                    pair.outbound.protect_rtcp(slot, len).ok()
                }) {
                    counters.inc(Counter::RtcpSent);
                    counters.inc(Counter::TwccFeedbackSent);
                }
            }
        }
    }
}
