//! A subscriber's transceiver moving to another transport (its BUNDLE tag was rejected: the
//! browser opens a new ICE + DTLS transport): the route waits for the new keys before asking for
//! a keyframe, and what it forwarded meanwhile is repaired by NACK.

use std::net::SocketAddr;

use super::{decrypt_rtcp, decrypt_rtp, key, rig, salt, send_srtcp, OUT_SSRC, PROFILE, PUB_SSRC};
use crate::rtcp::{self, RtcpPacket};
use crate::rtp::RtpPacket;
use crate::srtp::SrtpContext;
use crate::test_util::{vp8_delta, vp8_key};

#[test]
fn a_route_moved_to_a_transport_without_keys_waits_for_them_and_repairs_the_gap_by_nack() {
    let mut r = rig();
    let route = r.route();
    r.publish(1, &vp8_key());
    assert_eq!(r.sent_to(r.subscriber.addr).len(), 1); // output seq 500
    r.sent_to(r.publisher.addr);
    r.clock.advance(1000.0);

    // The subscriber's BUNDLE tag moved: a new transport, handshaking, no keys yet.
    let moved = r.state.create_endpoint();
    let moved_addr: SocketAddr = "127.0.0.1:40004".parse().unwrap();
    r.state.send_control(moved, &[22, 0xfe, 0xfd, 0, 0], moved_addr).unwrap();
    r.state.set_route_output(route, moved).unwrap();
    assert_eq!(r.sent_to(r.publisher.addr).len(), 0, "no keyframe request the new transport could not decrypt");

    // Packets meanwhile take output seqs 501..=503 but cannot go out.
    for seq in 2..5 {
        r.publish(seq, &vp8_delta());
    }
    assert_eq!(r.sent_to(moved_addr).len(), 0);

    r.state
        .install_srtp(moved, PROFILE.dtls_id(), &key(40), &salt(40), &key(41), &salt(41))
        .unwrap();
    let out = r.sent_to(r.publisher.addr);
    assert_eq!(out.len(), 1, "keys for the new transport: now one PLI to the publisher");
    let plain = decrypt_rtcp(&mut r.publisher.rx, out.into_iter().next().unwrap());
    assert!(rtcp::iter(&plain).map(Result::unwrap).any(|p| matches!(p, RtcpPacket::Pli { media_ssrc: PUB_SSRC, .. })));

    // The next packet reaches the new transport; the subscriber NACKs the gap and gets it.
    r.publish(5, &vp8_delta());
    let mut rx = SrtpContext::new(PROFILE, &key(40), &salt(40)).unwrap();
    let mut tx = SrtpContext::new(PROFILE, &key(41), &salt(41)).unwrap();
    let next: Vec<Vec<u8>> = r.sent_to(moved_addr).into_iter().map(|d| decrypt_rtp(&mut rx, d)).collect();
    assert_eq!(next.len(), 1);
    assert_eq!(RtpPacket::parse(&next[0]).unwrap().sequence_number(), 504);
    let mut nack = vec![0u8; 64];
    let n = rtcp::write_receiver_report(&mut nack, 0xAB, &[]).unwrap();
    let m = rtcp::write_nack(&mut nack[n..], 0xAB, OUT_SSRC, &[501, 502, 503]).unwrap();
    nack.truncate(n + m);
    send_srtcp(&mut r.state, &mut tx, moved_addr, &nack);
    let resent: Vec<Vec<u8>> = r.sent_to(moved_addr).into_iter().map(|d| decrypt_rtp(&mut rx, d)).collect();
    let seqs: Vec<u16> = resent.iter().map(|p| RtpPacket::parse(p).unwrap().sequence_number()).collect();
    assert_eq!(seqs, vec![501, 502, 503]);
    assert!(resent.iter().all(|p| RtpPacket::parse(p).unwrap().payload() == vp8_delta().as_slice()));
}
