//! Packet scripts through the engine state with real SRTP contexts on both sides: a publisher
//! endpoint and a subscriber endpoint, datagrams in, captured datagrams out (no socket), and a
//! manual clock. `live.rs` runs the real thread and socket.

use std::net::SocketAddr;

use super::counters::Counter;
use super::endpoint::IncomingSpec;
use super::state::{EngineConfig, State};
use super::CONTROL_STRIDE;
use crate::activity::ManualClock;
use crate::mapping::Codec;
use crate::net::RECV_SLOT;
use crate::router::{MediaKind, RouteOptions, TrackOptions};
use crate::rtcp::{self, RtcpPacket};
use crate::rtp::RtpPacket;
use crate::srtp::{SrtpContext, SrtpProfile};
use crate::test_util::{vp8_delta, vp8_key, PacketBuilder};

mod gso;
mod junk;
mod stun_auth;
mod live;
mod transport_move;
mod twcc_feedback;

const PROFILE: SrtpProfile = SrtpProfile::AeadAes128Gcm;
const PUB_SSRC: u32 = 0x1111_1111;
const OUT_SSRC: u32 = 0x2222_2222;

fn key(b: u8) -> Vec<u8> {
    vec![b; 16]
}
fn salt(b: u8) -> Vec<u8> {
    vec![b; PROFILE.salt_len()]
}

/// One remote party: its address and the SRTP contexts of its side.
struct Peer {
    addr: SocketAddr,
    /// Encrypts what the peer sends (its local key = the engine's remote key).
    tx: SrtpContext,
    /// Decrypts what the engine sends.
    rx: SrtpContext,
    endpoint: u32,
}

struct Rig {
    state: State<ManualClock>,
    clock: ManualClock,
    publisher: Peer,
    subscriber: Peer,
    track: u32,
}

fn vp8() -> Vec<Codec> {
    vec![Codec::new(96, "video/VP8", 90_000)]
}

/// Endpoints with keys installed and media addresses known (as after ICE + DTLS).
fn peer(state: &mut State<ManualClock>, addr: &str, k: u8) -> Peer {
    let endpoint = state.create_endpoint();
    state
        .install_srtp(endpoint, PROFILE.dtls_id(), &key(k), &salt(k), &key(k + 1), &salt(k + 1))
        .unwrap();
    let addr: SocketAddr = addr.parse().unwrap();
    // werift's DTLS goes out over the selected pair: that is the media address.
    state.send_control(endpoint, &[22, 0xfe, 0xfd, 0, 0], addr).unwrap();
    Peer {
        addr,
        tx: SrtpContext::new(PROFILE, &key(k + 1), &salt(k + 1)).unwrap(),
        rx: SrtpContext::new(PROFILE, &key(k), &salt(k)).unwrap(),
        endpoint,
    }
}

fn rig() -> Rig {
    let clock = ManualClock::new(1000.0);
    let mut state = State::with_clock(EngineConfig::default(), None, clock.clone(), 7);
    let publisher = peer(&mut state, "127.0.0.1:40001", 10);
    let subscriber = peer(&mut state, "127.0.0.1:40002", 20);
    let track = state
        .create_track(TrackOptions {
            kind: MediaKind::Video,
            codecs: vp8(),
            extensions: vec![],
        })
        .unwrap();
    state
        .map_incoming(publisher.endpoint, &IncomingSpec { ssrc: Some(PUB_SSRC), ..Default::default() }, track)
        .unwrap();
    state.flush();
    state.out.take_captured();
    Rig {
        state,
        clock,
        publisher,
        subscriber,
        track,
    }
}

impl Rig {
    fn route(&mut self) -> u32 {
        let route = self
            .state
            .create_route(
                self.track,
                RouteOptions {
                    ssrc: OUT_SSRC,
                    codecs: vp8(),
                    extensions: vec![],
                    start_seq: Some(500),
                    start_ts: Some(9000),
                },
                self.subscriber.endpoint,
            )
            .unwrap();
        self.state.flush();
        route
    }

    /// The publisher sends one SRTP packet.
    fn publish(&mut self, seq: u16, payload: &[u8]) {
        let plain = PacketBuilder::new().pt(96).seq(seq).ts(u32::from(seq) * 3000).ssrc(PUB_SSRC).payload(payload).build();
        let from = self.publisher.addr;
        send_srtp(&mut self.state, &mut self.publisher.tx, from, &plain);
    }

    /// Datagrams the engine sent since the last call, by destination.
    fn sent_to(&mut self, addr: SocketAddr) -> Vec<Vec<u8>> {
        self.state.flush();
        self.state
            .out
            .take_captured()
            .into_iter()
            .filter(|(_, to)| *to == addr)
            .map(|(d, _)| d)
            .collect()
    }
}

fn send_srtp(state: &mut State<ManualClock>, tx: &mut SrtpContext, from: SocketAddr, plain: &[u8]) {
    let mut slot = vec![0u8; RECV_SLOT];
    slot[..plain.len()].copy_from_slice(plain);
    let n = tx.protect_rtp(&mut slot, plain.len()).unwrap();
    state.on_datagram(from, &mut slot, n, false);
}

fn send_srtcp(state: &mut State<ManualClock>, tx: &mut SrtpContext, from: SocketAddr, plain: &[u8]) {
    let mut slot = vec![0u8; RECV_SLOT];
    slot[..plain.len()].copy_from_slice(plain);
    let n = tx.protect_rtcp(&mut slot, plain.len()).unwrap();
    state.on_datagram(from, &mut slot, n, false);
}

fn raw(state: &mut State<ManualClock>, from: &str, data: &[u8]) {
    let mut slot = vec![0u8; RECV_SLOT];
    slot[..data.len()].copy_from_slice(data);
    state.on_datagram(from.parse().unwrap(), &mut slot, data.len(), false);
}

fn decrypt_rtp(rx: &mut SrtpContext, mut datagram: Vec<u8>) -> Vec<u8> {
    let n = rx.unprotect_rtp(&mut datagram).unwrap();
    datagram.truncate(n);
    datagram
}

fn decrypt_rtcp(rx: &mut SrtpContext, mut datagram: Vec<u8>) -> Vec<u8> {
    let n = rx.unprotect_rtcp(&mut datagram).unwrap();
    datagram.truncate(n);
    datagram
}

/// A STUN Binding request with a USERNAME attribute (RFC 5389 §6, §15.3).
fn stun_request(username: &str) -> Vec<u8> {
    let user = username.as_bytes();
    let padded = user.len().div_ceil(4) * 4;
    let mut m = vec![0x00, 0x01];
    m.extend_from_slice(&((4 + padded) as u16).to_be_bytes());
    m.extend_from_slice(&0x2112_A442u32.to_be_bytes());
    m.extend_from_slice(&[7; 12]);
    m.extend_from_slice(&0x0006u16.to_be_bytes());
    m.extend_from_slice(&(user.len() as u16).to_be_bytes());
    m.extend_from_slice(user);
    m.resize(20 + 4 + padded, 0);
    m
}

fn counter(state: &State<ManualClock>, c: Counter) -> u64 {
    state.counters().get(c)
}

#[test]
fn stun_is_routed_by_ufrag_and_teaches_the_address_then_dtls_follows_it() {
    let clock = ManualClock::new(0.0);
    let mut s = State::with_clock(EngineConfig::default(), None, clock, 1);
    let a = s.create_endpoint();
    let b = s.create_endpoint();
    s.bind_ufrag(a, b"aaaa").unwrap();
    s.bind_ufrag(b, b"bbbb").unwrap();

    raw(&mut s, "127.0.0.1:5000", &stun_request("bbbb:remote"));
    raw(&mut s, "127.0.0.1:5000", &[22, 0xfe, 0xfd, 1, 2, 3]); // DTLS from the learned address
    raw(&mut s, "127.0.0.1:5001", &[22, 0xfe, 0xfd, 1, 2, 3]); // DTLS from a stranger
    raw(&mut s, "127.0.0.1:5002", &stun_request("zzzz:remote")); // unknown ufrag, unknown address

    let mut out = vec![0u8; 4096];
    let mut index = vec![0u32; CONTROL_STRIDE * 8];
    let n = s.drain_control(&mut out, &mut index);
    assert_eq!(n, 2);
    let rec = &index[..CONTROL_STRIDE];
    assert_eq!(rec[0], b);
    assert_eq!((rec[3], rec[4], rec[5]), (5000, 4, u32::from(std::net::Ipv4Addr::LOCALHOST)));
    let stun_len = rec[2] as usize;
    assert_eq!(&out[..stun_len], stun_request("bbbb:remote").as_slice());
    assert_eq!(index[CONTROL_STRIDE], b);
    assert_eq!(index[CONTROL_STRIDE + 1] as usize, stun_len);
    assert_eq!(counter(&s, Counter::StunToJs), 1);
    assert_eq!(counter(&s, Counter::DtlsToJs), 1);
    assert_eq!(counter(&s, Counter::DropUnknownEndpoint), 1);
    assert_eq!(counter(&s, Counter::DropStunAuth), 1); // the request for nobody's ufrag
    assert_eq!(counter(&s, Counter::MediaToJs), 0);
    assert_eq!(s.drain_control(&mut out, &mut index), 0);

    // Closing the endpoint forgets its ufrag and addresses.
    s.close_endpoint(b).unwrap();
    s.close_endpoint(b).unwrap(); // idempotent
    assert!(s.close_endpoint(99).is_err());
    raw(&mut s, "127.0.0.1:5000", &[22, 0xfe, 0xfd, 1, 2, 3]);
    assert_eq!(counter(&s, Counter::DropUnknownEndpoint), 2);
}

#[test]
fn hostile_datagrams_are_dropped_and_counted() {
    let mut r = rig();
    let from = "127.0.0.1:40001";
    raw(&mut r.state, from, &[]); // empty
    raw(&mut r.state, from, &[0x80]); // one byte
    raw(&mut r.state, from, &[0xff; 40]); // no protocol starts with 0xff
    raw(&mut r.state, from, &[0x80, 96, 0, 1, 0, 0, 0, 0]); // truncated RTP header: fails SRTP
    raw(&mut r.state, from, &[0x80, 200, 0, 1]); // truncated RTCP
    raw(&mut r.state, from, &[0x00, 0x01, 0x00]); // truncated STUN
    let mut forged = PacketBuilder::new().pt(96).seq(1).ssrc(PUB_SSRC).payload(&vp8_key()).build();
    forged.extend_from_slice(&[0; 16]); // a tag that does not verify
    raw(&mut r.state, from, &forged);
    let mut big = vec![0u8; RECV_SLOT];
    r.state.on_datagram(from.parse().unwrap(), &mut big, RECV_SLOT, true);
    raw(&mut r.state, "10.0.0.9:1", &forged); // unknown source

    let c = |c| counter(&r.state, c);
    assert_eq!(c(Counter::RxDatagrams), 9);
    assert_eq!(c(Counter::DropOversized), 1);
    assert_eq!(c(Counter::DropUnknownEndpoint), 1);
    assert_eq!(c(Counter::DropAuth) + c(Counter::DropMalformed), 7);
    assert_eq!(c(Counter::DropAuth), 1);
    assert_eq!(c(Counter::RtpIn) + c(Counter::StunToJs) + c(Counter::DtlsToJs), 0);

    // A real stream still flows afterwards.
    r.route();
    r.publish(10, &vp8_key());
    assert_eq!(r.sent_to(r.subscriber.addr).len(), 1);
}

#[test]
fn srtp_in_route_rewrite_srtp_out() {
    let mut r = rig();
    r.route();
    r.publish(100, &vp8_delta()); // waits for a keyframe
    assert!(r.sent_to(r.subscriber.addr).is_empty());
    r.publish(101, &vp8_key());
    r.publish(102, &vp8_delta());
    let out = r.sent_to(r.subscriber.addr);
    assert_eq!(out.len(), 2);
    let plain: Vec<Vec<u8>> = out.into_iter().map(|d| decrypt_rtp(&mut r.subscriber.rx, d)).collect();
    let p0 = RtpPacket::parse(&plain[0]).unwrap();
    let p1 = RtpPacket::parse(&plain[1]).unwrap();
    assert_eq!((p0.ssrc(), p0.sequence_number(), p0.timestamp()), (OUT_SSRC, 500, 9000));
    assert_eq!((p1.ssrc(), p1.sequence_number(), p1.timestamp()), (OUT_SSRC, 501, 12000));
    assert_eq!(p0.payload(), vp8_key().as_slice());
    assert_eq!(p1.payload(), vp8_delta().as_slice());

    // Replayed SRTP is dropped by the replay window.
    let plain = PacketBuilder::new().pt(96).seq(102).ts(102 * 3000).ssrc(PUB_SSRC).payload(&vp8_delta()).build();
    let mut tx = SrtpContext::new(PROFILE, &key(11), &salt(11)).unwrap();
    let mut slot = vec![0u8; RECV_SLOT];
    slot[..plain.len()].copy_from_slice(&plain);
    let n = tx.protect_rtp(&mut slot, plain.len()).unwrap();
    r.state.on_datagram(r.publisher.addr, &mut slot, n, false);
    assert_eq!(counter(&r.state, Counter::DropReplay), 1);
    assert_eq!(counter(&r.state, Counter::RtpForwarded), 2);
    assert_eq!(r.state.track_stats(r.track).unwrap().packets, 3);
}

#[test]
fn subscriber_pli_becomes_a_rate_limited_pli_to_the_publisher() {
    let mut r = rig();
    r.route();
    r.publish(1, &vp8_key()); // the publisher's SSRC and address are known now
    r.sent_to(r.publisher.addr);
    r.clock.advance(1000.0);

    let mut pli = vec![0u8; 64];
    let n = rtcp::write_receiver_report(&mut pli, 0xAB, &[]).unwrap();
    let m = rtcp::write_pli(&mut pli[n..], 0xAB, OUT_SSRC).unwrap();
    pli.truncate(n + m);
    let sub = r.subscriber.addr;
    send_srtcp(&mut r.state, &mut r.subscriber.tx, sub, &pli);
    send_srtcp(&mut r.state, &mut r.subscriber.tx, sub, &pli); // within 300 ms: not relayed
    let out = r.sent_to(r.publisher.addr);
    assert_eq!(out.len(), 1);
    let plain = decrypt_rtcp(&mut r.publisher.rx, out.into_iter().next().unwrap());
    let packets: Vec<_> = rtcp::iter(&plain).map(Result::unwrap).collect();
    assert!(matches!(packets[0], RtcpPacket::ReceiverReport(_)));
    assert!(matches!(packets[1], RtcpPacket::Pli { media_ssrc: PUB_SSRC, .. }));
    assert_eq!(counter(&r.state, Counter::KeyframeRequestsReceived), 2);

    r.clock.advance(400.0);
    let mut fir = vec![0u8; 64];
    let n = rtcp::write_receiver_report(&mut fir, 0xAB, &[]).unwrap();
    let m = rtcp::write_fir(&mut fir[n..], 0xAB, OUT_SSRC, 1).unwrap();
    fir.truncate(n + m);
    send_srtcp(&mut r.state, &mut r.subscriber.tx, sub, &fir);
    assert_eq!(r.sent_to(r.publisher.addr).len(), 1);
}

#[test]
fn nack_is_answered_from_the_route_cache() {
    let mut r = rig();
    r.route();
    for seq in 10..20 {
        let payload = if seq == 10 { vp8_key() } else { vp8_delta() };
        r.publish(seq, &payload);
    }
    let originals: Vec<Vec<u8>> = r
        .sent_to(r.subscriber.addr)
        .into_iter()
        .map(|d| decrypt_rtp(&mut r.subscriber.rx, d))
        .collect();
    assert_eq!(originals.len(), 10);
    // Output seqs are 500..510; ask for 503 and 505 and one never sent.
    let mut nack = vec![0u8; 64];
    let n = rtcp::write_receiver_report(&mut nack, 0xAB, &[]).unwrap();
    let m = rtcp::write_nack(&mut nack[n..], 0xAB, OUT_SSRC, &[503, 505, 900]).unwrap();
    nack.truncate(n + m);
    let sub = r.subscriber.addr;
    send_srtcp(&mut r.state, &mut r.subscriber.tx, sub, &nack);
    let resent = r.sent_to(sub);
    assert_eq!(resent.len(), 2);
    // The receiver's replay window would reject a duplicate; decrypt with a fresh context.
    let mut fresh = SrtpContext::new(PROFILE, &key(20), &salt(20)).unwrap();
    let again: Vec<Vec<u8>> = resent.into_iter().map(|d| decrypt_rtp(&mut fresh, d)).collect();
    assert_eq!(again[0], originals[3]);
    assert_eq!(again[1], originals[5]);
    assert_eq!(counter(&r.state, Counter::NackResent), 2);
    assert_eq!(counter(&r.state, Counter::NackMissed), 1);
}

#[test]
fn periodic_reports_sr_to_subscribers_rr_and_remb_to_publishers() {
    let mut r = rig();
    r.route();
    r.publish(1, &vp8_key());
    r.publish(2, &vp8_delta());
    r.sent_to(r.subscriber.addr);
    r.clock.advance(1000.0);
    r.state.tick();
    let to_sub = r.sent_to(r.subscriber.addr);
    assert_eq!(to_sub.len(), 1);
    let plain = decrypt_rtcp(&mut r.subscriber.rx, to_sub[0].clone());
    let packets: Vec<_> = rtcp::iter(&plain).map(Result::unwrap).collect();
    let RtcpPacket::SenderReport(sr) = &packets[0] else {
        panic!("expected an SR first, got {packets:?}");
    };
    assert_eq!((sr.ssrc(), sr.packet_count()), (OUT_SSRC, 2));
    // 1 s after the last packet (ts 12000... rewritten to 9000 + 3000) at 90 kHz.
    assert_eq!(sr.rtp_ts(), 9000 + 3000 + 90_000);

    r.state.tick(); // not due yet
    assert!(r.sent_to(r.subscriber.addr).is_empty());

    // The publisher got its report and REMB in the first tick (sent_to above drained it).
    r.clock.advance(1000.0);
    r.state.tick();
    let to_pub = r.sent_to(r.publisher.addr);
    assert_eq!(to_pub.len(), 1);
    let plain = decrypt_rtcp(&mut r.publisher.rx, to_pub[0].clone());
    let packets: Vec<_> = rtcp::iter(&plain).map(Result::unwrap).collect();
    let RtcpPacket::ReceiverReport(rr) = &packets[0] else {
        panic!("expected an RR first, got {packets:?}");
    };
    let block = rr.report_blocks().next().unwrap();
    assert_eq!((block.ssrc, block.highest_seq & 0xffff), (PUB_SSRC, 2));
    assert!(matches!(&packets[1], RtcpPacket::Remb { bitrate_bps, .. } if *bitrate_bps > 9_000_000));
    assert!(counter(&r.state, Counter::RembSent) >= 2);
}

#[test]
fn unknown_ssrc_resolves_by_mid_and_rid_on_its_first_packet() {
    let mut r = rig();
    let simul = r
        .state
        .create_track(TrackOptions {
            kind: MediaKind::Video,
            codecs: vp8(),
            extensions: vec![],
        })
        .unwrap();
    let spec = IncomingSpec {
        mid: Some("1".into()),
        rid: Some("h".into()),
        mid_ext_id: Some(3),
        rid_ext_id: Some(4),
        ..Default::default()
    };
    r.state.map_incoming(r.publisher.endpoint, &spec, simul).unwrap();
    let with_ids = PacketBuilder::new()
        .pt(96)
        .seq(7)
        .ssrc(0x3333)
        .one_byte_ext(&[(3, b"1"), (4, b"h")])
        .payload(&vp8_key())
        .build();
    let from = r.publisher.addr;
    send_srtp(&mut r.state, &mut r.publisher.tx, from, &with_ids);
    let without = PacketBuilder::new().pt(96).seq(8).ssrc(0x3333).payload(&vp8_delta()).build();
    send_srtp(&mut r.state, &mut r.publisher.tx, from, &without);
    let wrong_rid = PacketBuilder::new()
        .pt(96)
        .seq(1)
        .ssrc(0x4444)
        .one_byte_ext(&[(3, b"1"), (4, b"l")])
        .payload(&vp8_key())
        .build();
    send_srtp(&mut r.state, &mut r.publisher.tx, from, &wrong_rid);
    assert_eq!(r.state.track_stats(simul).unwrap().packets, 2);
    assert_eq!(counter(&r.state, Counter::DropUnknownSsrc), 1);
}

#[test]
fn closing_a_track_closes_its_routes_and_their_feedback_entries() {
    let mut r = rig();
    let route = r.route();
    r.state.close_track(r.track).unwrap();
    assert!(r.state.route_stats(route).is_err());
    assert!(r.state.routes.is_empty());
    assert!(r.state.endpoints.get(r.subscriber.endpoint).unwrap().outputs.is_empty());
    r.state.close_route(route).unwrap(); // already closed with its track: a no-op
}

#[test]
fn control_operations_check_their_arguments() {
    let mut r = rig();
    assert!(r.state.install_srtp(r.publisher.endpoint, 0x0002, &key(1), &salt(1), &key(1), &salt(1)).is_err());
    assert!(r.state.install_srtp(r.publisher.endpoint, 0x0007, &key(1)[..8], &salt(1), &key(1), &salt(1)).is_err());
    assert!(r.state.map_incoming(r.publisher.endpoint, &IncomingSpec::default(), r.track).is_err());
    assert!(r.state.send_control(r.publisher.endpoint, &[], r.publisher.addr).is_err());
    assert!(r.state.send_control(42, &[1], r.publisher.addr).is_err());
    assert!(r.state.bind_ufrag(42, b"x").is_err());
    assert!(r
        .state
        .create_route(r.track, RouteOptions { ssrc: 1, codecs: vp8(), extensions: vec![], start_seq: None, start_ts: None }, 42)
        .is_err());
}

#[test]
fn stun_from_many_addresses_cannot_evict_the_media_address() {
    let mut r = rig();
    r.state.bind_ufrag(r.publisher.endpoint, b"pubu").unwrap();
    for port in 0..20 {
        raw(&mut r.state, &format!("127.0.0.1:{}", 50000 + port), &stun_request("pubu:x"));
    }
    let ep = r.state.endpoints.get(r.publisher.endpoint).unwrap();
    assert_eq!(ep.media_addr, Some(r.publisher.addr));
    assert_eq!(ep.addrs.len(), super::endpoint::MAX_ADDRS_PER_ENDPOINT);
    // Media from the publisher's real address still flows.
    r.route();
    r.publish(1, &vp8_key());
    assert_eq!(r.sent_to(r.subscriber.addr).len(), 1);
}

#[test]
fn a_gap_from_the_publisher_is_nacked_and_the_resent_packet_is_forwarded() {
    let mut r = rig();
    r.route();
    r.publish(1, &vp8_key());
    r.publish(2, &vp8_delta());
    r.publish(4, &vp8_delta()); // 3 lost on the way in
    let first = r.sent_to(r.subscriber.addr);
    assert_eq!(first.len(), 3);
    r.clock.advance(15.0);
    r.state.tick();
    let to_pub = r.sent_to(r.publisher.addr);
    let nacks: Vec<Vec<u16>> = to_pub
        .into_iter()
        .map(|d| decrypt_rtcp(&mut r.publisher.rx, d))
        .filter_map(|plain| {
            rtcp::iter(&plain).find_map(|p| match p {
                Ok(RtcpPacket::Nack { media_ssrc: PUB_SSRC, pairs, .. }) => Some(pairs.collect()),
                _ => None,
            })
        })
        .collect();
    assert_eq!(nacks, vec![vec![3]]);
    assert_eq!(counter(&r.state, Counter::NackSent), 1);
    // The publisher resends 3 (same SSRC and number); the subscriber gets it under its own numbering.
    r.publish(3, &vp8_delta());
    let late = r.sent_to(r.subscriber.addr);
    assert_eq!(late.len(), 1);
    let plain = decrypt_rtp(&mut r.subscriber.rx, late.into_iter().next().unwrap());
    assert_eq!(RtpPacket::parse(&plain).unwrap().sequence_number(), 502);
    // Recovered: not asked for again.
    r.clock.advance(200.0);
    r.state.tick();
    assert_eq!(counter(&r.state, Counter::NackSent), 1);
}

#[test]
fn sender_reports_carry_the_publishers_ntp_mapping_into_output_timestamps() {
    let mut r = rig();
    r.route();
    r.publish(1, &vp8_key()); // ts 3000 → output 9000: offset 6000
    r.publish(2, &vp8_delta()); // ts 6000 → 12000
    let ntp = 0xE000_0000_8000_0000u64; // some wall clock, half a second past a second
    let mut sr = vec![0u8; 64];
    let fields = rtcp::SenderReportFields { ssrc: PUB_SSRC, ntp, rtp_ts: 6000, packet_count: 2, octet_count: 0 };
    let n = rtcp::write_sender_report(&mut sr, &fields, &[]).unwrap();
    sr.truncate(n);
    let from = r.publisher.addr;
    send_srtcp(&mut r.state, &mut r.publisher.tx, from, &sr);
    r.sent_to(r.subscriber.addr);
    r.clock.advance(1000.0);
    r.state.tick();
    let out = r.sent_to(r.subscriber.addr);
    let plain = decrypt_rtcp(&mut r.subscriber.rx, out[0].clone());
    let Some(Ok(RtcpPacket::SenderReport(got))) = rtcp::iter(&plain).next() else {
        panic!("expected an SR");
    };
    assert_eq!(got.ssrc(), OUT_SSRC);
    assert_eq!(got.ntp(), ntp + (1u64 << 32)); // one second later on the publisher's clock
    assert_eq!(got.rtp_ts(), 6000 + 6000 + 90_000);
}

#[test]
fn a_subscriber_transport_getting_its_keys_asks_the_publisher_for_a_keyframe_again() {
    let mut r = rig();
    r.publish(1, &vp8_key()); // the publisher's SSRC and address are known now
    r.sent_to(r.publisher.addr);
    // A subscriber whose DTLS has not finished yet: its route is created before it has keys.
    let late = r.state.create_endpoint();
    let late_addr: SocketAddr = "127.0.0.1:40003".parse().unwrap();
    r.state.send_control(late, &[22, 0xfe, 0xfd, 0, 0], late_addr).unwrap();
    r.state
        .create_route(
            r.track,
            RouteOptions { ssrc: OUT_SSRC + 1, codecs: vp8(), extensions: vec![], start_seq: None, start_ts: None },
            late,
        )
        .unwrap();
    assert_eq!(r.sent_to(r.publisher.addr).len(), 0, "no keyframe request while the subscriber cannot decrypt it");
    let before = counter(&r.state, Counter::PliSent);
    r.state
        .install_srtp(late, PROFILE.dtls_id(), &key(30), &salt(30), &key(31), &salt(31))
        .unwrap();
    let out = r.sent_to(r.publisher.addr);
    assert_eq!(out.len(), 1, "keys for the subscriber's transport: now a PLI to the publisher");
    let plain = decrypt_rtcp(&mut r.publisher.rx, out.into_iter().next().unwrap());
    assert!(rtcp::iter(&plain).map(Result::unwrap).any(|p| matches!(p, RtcpPacket::Pli { media_ssrc: PUB_SSRC, .. })));
    assert_eq!(counter(&r.state, Counter::PliSent), before + 1);
}

