//! The per-datagram path, all on the receive thread: demultiplex (RFC 7983), hand STUN and DTLS
//! to the control queue, and keep SRTP and SRTCP native — decrypt (with replay check), find the
//! track, route, rewrite, cache for NACK, encrypt per output endpoint, batch the sends; answer
//! subscriber feedback (PLI, FIR, NACK).

use std::net::SocketAddr;

use super::counters::Counter;
use super::endpoint::MAX_SSRCS_PER_ENDPOINT;
use super::state::State;
use crate::activity::Clock;
use crate::demux::{classify, DatagramKind};
use crate::router::MediaKind;
use crate::rtcp::{self, RtcpPacket};
use crate::rtp::RtpPacket;
use crate::srtp::SrtpError;
use crate::stun::{local_ufrag, StunView};

/// RFC 5389 §6: the class bits of a request.
const STUN_REQUEST: u8 = 0;
/// NACKed sequence numbers answered per NACK packet at most.
const MAX_NACK_SEQS: usize = 256;

impl<C: Clock> State<C> {
    /// One received datagram: `buf` is its receive slot with the bytes in `..len`; SRTP is
    /// decrypted in place.
    pub fn on_datagram(&mut self, from: SocketAddr, buf: &mut [u8], len: usize, truncated: bool) {
        self.counters.inc(Counter::RxDatagrams);
        self.counters.add(Counter::RxBytes, len as u64);
        if truncated {
            self.counters.inc(Counter::DropOversized);
            return;
        }
        let Some(data) = buf.get_mut(..len) else {
            self.counters.inc(Counter::DropOversized);
            return;
        };
        match classify(data) {
            DatagramKind::Stun => self.on_stun(from, data),
            DatagramKind::Dtls => match self.endpoints.by_addr(&from) {
                Some(id) => {
                    self.control.push(id, from, data, &mut self.counters);
                }
                None => self.counters.inc(Counter::DropUnknownEndpoint),
            },
            DatagramKind::Rtp => self.on_srtp(from, data),
            DatagramKind::Rtcp => self.on_srtcp(from, data),
            DatagramKind::Other => self.counters.inc(Counter::DropMalformed),
        }
    }

    /// A STUN request (a check from the peer) goes to the endpoint whose ufrag leads its USERNAME
    /// and whose ICE password made its MESSAGE-INTEGRITY (RFC 8445 §7.3, RFC 5389 §10.1.2); its
    /// source then becomes one of that endpoint's addresses, and what follows MESSAGE-INTEGRITY
    /// (but FINGERPRINT) is cut, unauthenticated as it is. A request that matches no endpoint is
    /// dropped here, unanswered. Responses and indications go by source address only (werift
    /// checks responses against its own transactions) and teach nothing.
    fn on_stun(&mut self, from: SocketAddr, data: &mut [u8]) {
        let Some(view) = StunView::parse(data) else {
            self.counters.inc(Counter::DropMalformed);
            return;
        };
        if view.class() != STUN_REQUEST {
            match self.endpoints.by_addr(&from) {
                Some(id) => {
                    self.control.push(id, from, data, &mut self.counters);
                }
                None => self.counters.inc(Counter::DropUnknownEndpoint),
            }
            return;
        }
        let ufrag = view.username().map(local_ufrag).unwrap_or_default();
        let endpoints = &self.endpoints;
        let owner = endpoints
            .by_ufrag(ufrag)
            .iter()
            .copied()
            .find(|&id| endpoints.ice_pwd(id, ufrag).is_none_or(|pwd| view.integrity_ok(pwd)));
        let Some(id) = owner else {
            self.counters.inc(Counter::DropStunAuth);
            return;
        };
        let len = view.authenticated_len().unwrap_or(view.as_bytes().len());
        self.endpoints.learn(id, from);
        let message = &mut data[..len];
        if let Ok(attrs) = u16::try_from(len - crate::stun::HEADER_LEN) {
            message[2..4].copy_from_slice(&attrs.to_be_bytes());
        }
        self.control.push(id, from, message, &mut self.counters);
    }

    fn on_srtp(&mut self, from: SocketAddr, data: &mut [u8]) {
        let now = self.now_ms();
        let Some(id) = self.endpoints.by_addr(&from) else {
            self.counters.inc(Counter::DropUnknownEndpoint);
            return;
        };
        let ep = self.endpoints.get_mut(id).expect("mapped endpoint exists");
        let Some(srtp) = ep.srtp.as_mut() else {
            self.counters.inc(Counter::DropNoKeys);
            return;
        };
        let n = match srtp.inbound.unprotect_rtp(data) {
            Ok(n) => n,
            Err(e) => {
                self.counters.inc(srtp_drop(&e));
                return;
            }
        };
        ep.media_addr = Some(from);
        ep.media_received += 1;
        self.counters.inc(Counter::RtpIn);
        let plain = &data[..n];
        let Ok(pkt) = RtpPacket::parse(plain) else {
            self.counters.inc(Counter::DropMalformed);
            return;
        };
        let Some(track) = ep.incoming.resolve(&pkt) else {
            self.counters.inc(Counter::DropUnknownSsrc);
            return;
        };
        let ssrc = pkt.ssrc();
        let (clock_rate, video, twcc_ext) = match self.tracks.get_mut(&track) {
            Some(t) => {
                t.last_ssrc = Some(ssrc);
                (t.clock_rate, t.kind == MediaKind::Video, t.twcc_ext)
            }
            None => (90_000, false, None),
        };
        if let Some(seq) = twcc_ext.and_then(|id| pkt.extension(id)).and_then(|v| v.get(..2)) {
            ep.twcc.record(u16::from_be_bytes([seq[0], seq[1]]), now);
            ep.twcc_media_ssrc = ssrc;
        }
        if video && (ep.nacks.len() < MAX_SSRCS_PER_ENDPOINT || ep.nacks.contains_key(&ssrc)) {
            ep.nacks.entry(ssrc).or_default().on_packet(pkt.sequence_number(), now);
        }
        if let Some(cache) = self.tracks.get_mut(&track).and_then(|t| t.cache.as_mut()) {
            cache.store(pkt.sequence_number(), plain);
        }
        if ep.receive.len() < MAX_SSRCS_PER_ENDPOINT || ep.receive.contains_key(&ssrc) {
            ep.receive.entry(ssrc).or_default().on_packet(
                pkt.sequence_number(),
                pkt.timestamp(),
                now,
                clock_rate,
            );
        }
        self.forward(track, plain, now);
    }

    /// Routes one decrypted packet of `track` to every subscriber.
    fn forward(&mut self, track: u32, plain: &[u8], now: f64) {
        let State {
            router,
            routes,
            endpoints,
            counters,
            out,
            fwd_buf,
            fwd_index,
            ..
        } = self;
        let Ok(count) = router.ingest(track, plain, fwd_buf, fwd_index) else {
            return;
        };
        let (in_seq, in_ts) = RtpPacket::parse(plain)
            .map(|p| (p.sequence_number(), p.timestamp()))
            .unwrap_or((0, 0));
        for i in 0..count as usize {
            let route = fwd_index[3 * i];
            let offset = fwd_index[3 * i + 1] as usize;
            let len = fwd_index[3 * i + 2] as usize;
            let copy = &fwd_buf[offset..offset + len];
            let Some(r) = routes.get_mut(&route) else {
                continue;
            };
            let Ok(pkt) = RtpPacket::parse(copy) else {
                continue;
            };
            // Recorded even when the output cannot send yet (a transport still without keys while
            // a BUNDLE tag moves): its output sequence number is taken, so the subscriber NACKs
            // the gap once it receives, and the resend comes from the track cache.
            if let Some(sent) = r.sent.as_mut() {
                sent.record(pkt.sequence_number(), &copy[..pkt.header_len()], track, in_seq);
            }
            let Some(ep) = endpoints.get_mut(r.endpoint) else {
                counters.inc(Counter::DropNoOutput);
                continue;
            };
            let (Some(pair), Some(to)) = (ep.srtp.as_mut(), ep.media_addr) else {
                counters.inc(Counter::DropNoOutput);
                continue;
            };
            r.send.on_packet(pkt.timestamp(), pkt.payload().len(), now);
            r.ts_offset = Some((track, pkt.timestamp().wrapping_sub(in_ts)));
            let sent = out.push(to, counters, |slot| {
                slot.get_mut(..len)?.copy_from_slice(copy);
                pair.outbound.protect_rtp(slot, len).ok()
            });
            if sent {
                counters.inc(Counter::RtpForwarded);
                counters.add(Counter::RtpForwardedBytes, len as u64);
            } else {
                counters.inc(Counter::DropNoOutput);
            }
        }
    }

    fn on_srtcp(&mut self, from: SocketAddr, data: &mut [u8]) {
        let now = self.now_ms();
        let Some(id) = self.endpoints.by_addr(&from) else {
            self.counters.inc(Counter::DropUnknownEndpoint);
            return;
        };
        let ep = self.endpoints.get_mut(id).expect("mapped endpoint exists");
        let Some(srtp) = ep.srtp.as_mut() else {
            self.counters.inc(Counter::DropNoKeys);
            return;
        };
        let n = match srtp.inbound.unprotect_rtcp(data) {
            Ok(n) => n,
            Err(e) => {
                self.counters.inc(srtp_drop(&e));
                return;
            }
        };
        ep.media_addr = Some(from);
        ep.media_received += 1;
        self.counters.inc(Counter::RtcpIn);
        for packet in rtcp::iter(&data[..n]) {
            match packet {
                Ok(RtcpPacket::SenderReport(sr)) => {
                    let Some(ep) = self.endpoints.get_mut(id) else {
                        continue;
                    };
                    if let Some(stats) = ep.receive.get_mut(&sr.ssrc()) {
                        stats.on_sender_report(sr.ntp(), now);
                    }
                    let track = ep.incoming.track_of(sr.ssrc());
                    if let Some(t) = track.and_then(|t| self.tracks.get_mut(&t)) {
                        t.last_sr = Some((sr.ntp(), sr.rtp_ts(), now));
                    }
                }
                Ok(RtcpPacket::Pli { media_ssrc, .. }) => self.on_keyframe_request(id, media_ssrc, now),
                Ok(RtcpPacket::Fir { entries, .. }) => {
                    for (media_ssrc, _) in entries {
                        self.on_keyframe_request(id, media_ssrc, now);
                    }
                }
                Ok(RtcpPacket::Nack { media_ssrc, pairs, .. }) => self.on_nack(id, media_ssrc, pairs),
                Ok(_) => {}
                Err(_) => self.counters.inc(Counter::DropMalformed),
            }
        }
    }

    /// A subscriber asks for a keyframe of one of its streams: ask that stream's source.
    fn on_keyframe_request(&mut self, id: u32, media_ssrc: u32, now: f64) {
        self.counters.inc(Counter::KeyframeRequestsReceived);
        let Some(route) = self.endpoints.get(id).and_then(|ep| ep.outputs.get(&media_ssrc).copied()) else {
            return;
        };
        let Ok((source, pending)) = self.router.route_sources(route) else {
            return;
        };
        self.request_keyframe(source, now, false);
        if let Some(p) = pending {
            self.request_keyframe(p, now, false);
        }
    }

    /// Resends what is still known: the route's header as sent, with the payload from its source
    /// track's packet cache (same SSRC and sequence number: RFC 4585 generic NACK without RTX).
    fn on_nack(&mut self, id: u32, media_ssrc: u32, lost: impl Iterator<Item = u16>) {
        self.counters.inc(Counter::NackReceived);
        let State {
            routes,
            tracks,
            endpoints,
            counters,
            out,
            ..
        } = self;
        let Some(ep) = endpoints.get_mut(id) else {
            return;
        };
        let Some(r) = ep.outputs.get(&media_ssrc).and_then(|route| routes.get(route)) else {
            return;
        };
        let (Some(pair), Some(to), Some(ring)) = (ep.srtp.as_mut(), ep.media_addr, r.sent.as_ref()) else {
            return;
        };
        for seq in lost.take(MAX_NACK_SEQS) {
            let found = ring.get(seq).and_then(|sent| {
                let input = tracks.get(&sent.source)?.cache.as_ref()?.get(sent.in_seq)?;
                let body = input.get(RtpPacket::parse(input).ok()?.header_len()..)?;
                Some((sent.header, body))
            });
            let Some((header, body)) = found else {
                counters.inc(Counter::NackMissed);
                continue;
            };
            let len = header.len() + body.len();
            let sent = out.push(to, counters, |slot| {
                slot.get_mut(..header.len())?.copy_from_slice(header);
                slot.get_mut(header.len()..len)?.copy_from_slice(body);
                pair.outbound.protect_rtp(slot, len).ok()
            });
            counters.inc(if sent { Counter::NackResent } else { Counter::NackMissed });
        }
    }
}

fn srtp_drop(e: &SrtpError) -> Counter {
    match e {
        SrtpError::Replayed { .. } => Counter::DropReplay,
        SrtpError::AuthFailed => Counter::DropAuth,
        _ => Counter::DropMalformed,
    }
}
