//! RTCP the engine sends by itself: keyframe requests (PLI) to publishers, and about once per
//! RTCP interval per endpoint a compound with an SR per output stream, an RR with a report block
//! per input stream, and a REMB for the input streams.

use super::counters::Counter;
use super::state::State;
use crate::activity::Clock;
use crate::rtcp::{self, ReportBlock, SenderReportFields};
use crate::rtcp_stats::ntp_now;
use crate::router::MediaKind;

/// Compound RTCP packets stay below this (one datagram on any path, tag included).
const MAX_COMPOUND: usize = 1200;
/// Routes that never started are re-asked for a keyframe this often.
const STALLED_KEYFRAME_RETRY_MS: f64 = 1000.0;

impl<C: Clock> State<C> {
    /// Asks the publisher of `track` for a keyframe (PLI, RFC 4585 §6.3.1), at most once per
    /// keyframe interval unless `force`. Returns whether a request went out.
    pub fn request_keyframe(&mut self, track: u32, now: f64, force: bool) -> bool {
        let interval = self.config.keyframe_interval_ms;
        let State {
            tracks,
            endpoints,
            counters,
            out,
            ..
        } = self;
        let Some(t) = tracks.get_mut(&track) else {
            return false;
        };
        if t.kind != MediaKind::Video || (!force && now - t.last_keyframe_request_ms < interval) {
            return false;
        }
        let (Some(id), Some(media_ssrc)) = (t.endpoint, t.last_ssrc) else {
            return false;
        };
        let Some(ep) = endpoints.get_mut(id) else {
            return false;
        };
        let (Some(pair), Some(to)) = (ep.srtp.as_mut(), ep.media_addr) else {
            return false;
        };
        t.last_keyframe_request_ms = now;
        let sender = ep.rtcp_ssrc;
        // RFC 3550 §6.1: a compound packet starts with a report; an empty RR serves.
        let sent = out.push(to, counters, |slot| {
            let a = rtcp::write_receiver_report(slot, sender, &[]).ok()?;
            let b = rtcp::write_pli(&mut slot[a..], sender, media_ssrc).ok()?;
            pair.outbound.protect_rtcp(slot, a + b).ok()
        });
        if sent {
            counters.inc(Counter::PliSent);
            counters.inc(Counter::RtcpSent);
        }
        sent
    }

    /// Periodic work: NACKs to publishers every 20 ms, transport-wide feedback every 50 ms;
    /// reports once per RTCP interval, keyframe retries for stalled routes.
    pub fn tick(&mut self) {
        let now = self.now_ms();
        if now - self.last_nack_ms >= super::nack_out::NACK_INTERVAL_MS {
            self.last_nack_ms = now;
            self.send_nacks(now);
        }
        if now - self.last_twcc_ms >= super::twcc_out::TWCC_INTERVAL_MS {
            self.last_twcc_ms = now;
            self.send_twcc_feedback();
        }
        if now - self.last_rtcp_ms < self.config.rtcp_interval_ms {
            return;
        }
        self.last_rtcp_ms = now;
        let ntp = ntp_now();
        let ids: Vec<u32> = self.endpoints.iter_mut().map(|ep| ep.id).collect();
        for id in ids {
            self.send_reports(id, now, ntp);
        }
        self.retry_stalled_routes(now);
    }

    fn retry_stalled_routes(&mut self, now: f64) {
        let mut want = Vec::new();
        for &route in self.routes.keys() {
            let Ok(stats) = self.router.route_stats(route) else {
                continue;
            };
            let Ok((source, pending)) = self.router.route_sources(route) else {
                continue;
            };
            if let Some(p) = pending {
                want.push(p);
            } else if stats.packets_forwarded == 0 && stats.dropped_waiting_keyframe > 0 {
                want.push(source);
            }
        }
        for track in want {
            let due = self
                .tracks
                .get(&track)
                .is_some_and(|t| now - t.last_keyframe_request_ms >= STALLED_KEYFRAME_RETRY_MS);
            if due {
                self.request_keyframe(track, now, true);
            }
        }
    }

    fn send_reports(&mut self, id: u32, now: f64, ntp: u64) {
        let remb_bps = self.config.remb_bitrate_bps;
        let State {
            routes,
            tracks,
            endpoints,
            counters,
            out,
            rtcp_buf,
            ..
        } = self;
        let Some(ep) = endpoints.get_mut(id) else {
            return;
        };
        let (Some(pair), Some(to)) = (ep.srtp.as_mut(), ep.media_addr) else {
            return;
        };
        let sender = ep.rtcp_ssrc;
        let srs: Vec<SenderReportFields> = ep
            .outputs
            .iter()
            .filter_map(|(&ssrc, route)| {
                let r = routes.get(route)?;
                let mut sr = r.send.sender_report(ssrc, now, ntp, r.clock_rate)?;
                // With the publisher's own SR, keep its NTP ↔ RTP mapping (lip sync between the
                // publisher's streams), moved into this output's timestamps and to now.
                if let Some((track, offset)) = r.ts_offset {
                    if let Some((src_ntp, src_rtp, at)) = tracks.get(&track).and_then(|t| t.last_sr) {
                        let elapsed_ms = (now - at).max(0.0);
                        sr.ntp = src_ntp.wrapping_add((elapsed_ms / 1000.0 * 4_294_967_296.0) as u64);
                        let ticks = (elapsed_ms * f64::from(r.clock_rate) / 1000.0).round() as u32;
                        sr.rtp_ts = src_rtp.wrapping_add(offset).wrapping_add(ticks);
                    }
                }
                Some(sr)
            })
            .collect();
        let blocks: Vec<ReportBlock> = ep
            .receive
            .iter_mut()
            .filter(|(_, s)| s.has_received())
            .map(|(&ssrc, s)| s.report_block(ssrc, now))
            .collect();
        let remb_ssrcs: Vec<u32> = ep.incoming.ssrcs().filter(|s| ep.receive.contains_key(s)).collect();
        if srs.is_empty() && blocks.is_empty() {
            return;
        }

        let mut sent_sr = 0u64;
        let mut sent_rr = 0u64;
        let mut sent_remb = 0u64;
        let mut compound = Compound::new(rtcp_buf);
        let mut flush = |c: &mut Compound<'_>| {
            if c.len == 0 {
                return;
            }
            let len = c.len;
            let bytes = &c.buf[..len];
            if out.push(to, counters, |slot| {
                slot.get_mut(..len)?.copy_from_slice(bytes);
                pair.outbound.protect_rtcp(slot, len).ok()
            }) {
                counters.inc(Counter::RtcpSent);
            }
            c.len = 0;
        };
        // One SR per output stream (RFC 3550 §6.4.1), each a compound start on its own.
        for sr in &srs {
            if !compound.fits(28) {
                flush(&mut compound);
            }
            compound.append(|b| rtcp::write_sender_report(b, sr, &[]).ok());
            sent_sr += 1;
        }
        // RR blocks, at most 31 per RR (RFC 3550 §6.4.2).
        for chunk in blocks.chunks(rtcp::MAX_REPORT_BLOCKS) {
            let size = 8 + 24 * chunk.len();
            if !compound.fits(size) {
                flush(&mut compound);
            }
            compound.append(|b| rtcp::write_receiver_report(b, sender, chunk).ok());
            sent_rr += 1;
        }
        if !remb_ssrcs.is_empty() && remb_bps > 0 {
            let ssrcs = &remb_ssrcs[..remb_ssrcs.len().min(rtcp::MAX_REMB_SSRCS)];
            let size = 20 + 4 * ssrcs.len();
            if !compound.fits(size) {
                flush(&mut compound);
            }
            if compound.len == 0 {
                compound.append(|b| rtcp::write_receiver_report(b, sender, &[]).ok());
            }
            compound.append(|b| rtcp::write_remb(b, sender, remb_bps, ssrcs).ok());
            sent_remb += 1;
        }
        flush(&mut compound);
        counters.add(Counter::SrSent, sent_sr);
        counters.add(Counter::RrSent, sent_rr);
        counters.add(Counter::RembSent, sent_remb);
    }
}

/// A compound RTCP packet being written into a scratch buffer.
struct Compound<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl<'a> Compound<'a> {
    fn new(buf: &'a mut [u8]) -> Self {
        Self { buf, len: 0 }
    }

    fn fits(&self, size: usize) -> bool {
        self.len + size <= MAX_COMPOUND.min(self.buf.len())
    }

    fn append(&mut self, write: impl FnOnce(&mut [u8]) -> Option<usize>) {
        let end = MAX_COMPOUND.min(self.buf.len());
        if let Some(n) = write(&mut self.buf[self.len..end]) {
            self.len += n;
        }
    }
}
