//! The engine's sends through a real socket with UDP GSO: a frame of equal-sized packets fanned
//! out to two subscribers leaves as one GSO message per subscriber, and each subscriber's socket
//! still receives every packet as its own datagram, decryptable and in order.

use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::net::BatchSocket;
use crate::test_util::vp8_continuation;

/// `seq`'s payload: a keyframe start or a continuation, padded to one size with a marker byte.
fn frame_payload(seq: u16) -> Vec<u8> {
    let mut p = if seq == 1 { vp8_key() } else { vp8_continuation() };
    p.resize(1000, seq as u8);
    p
}

/// The RTP packets (decrypted) that reached `socket`, skipping the DTLS stand-in `peer()` sent.
fn received_rtp(socket: &UdpSocket, rx: &mut SrtpContext, want: usize) -> Vec<Vec<u8>> {
    socket.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
    let mut got = Vec::new();
    let mut buf = vec![0u8; 2048];
    // Bounded: at most want + 2 datagrams are read.
    for _ in 0..want + 2 {
        let Ok(n) = socket.recv(&mut buf) else { break };
        if (128..=191).contains(&buf[0]) {
            got.push(decrypt_rtp(rx, buf[..n].to_vec()));
        }
        if got.len() == want {
            break;
        }
    }
    got
}

fn fan_out_one_frame(gso: bool) -> (u64, Vec<Vec<Vec<u8>>>) {
    let socket = Arc::new(BatchSocket::bind(SocketAddr::from(([127, 0, 0, 1], 0)), None).unwrap());
    socket.set_gso(gso);
    let mut state = State::with_clock(EngineConfig::default(), Some(socket), ManualClock::new(1000.0), 7);
    let subscriber_sockets: Vec<UdpSocket> = (0..2).map(|_| UdpSocket::bind("127.0.0.1:0").unwrap()).collect();
    let mut publisher = peer(&mut state, "127.0.0.1:9", 10);
    let mut subscribers: Vec<Peer> = subscriber_sockets
        .iter()
        .enumerate()
        .map(|(i, s)| peer(&mut state, &s.local_addr().unwrap().to_string(), 20 + 10 * i as u8))
        .collect();
    let track = state
        .create_track(TrackOptions { kind: MediaKind::Video, codecs: vp8(), extensions: vec![] })
        .unwrap();
    state
        .map_incoming(publisher.endpoint, &IncomingSpec { ssrc: Some(PUB_SSRC), ..Default::default() }, track)
        .unwrap();
    for (i, sub) in subscribers.iter().enumerate() {
        let options = RouteOptions {
            ssrc: OUT_SSRC + i as u32,
            codecs: vp8(),
            extensions: vec![],
            start_seq: Some(500),
            start_ts: Some(9000),
        };
        state.create_route(track, options, sub.endpoint).unwrap();
    }
    state.flush();
    let coalesced_before = counter(&state, Counter::TxCoalesced);
    // One receive batch: four packets of a frame, then the end of the unit of work.
    for seq in 1..=4u16 {
        let plain = PacketBuilder::new().pt(96).seq(seq).ts(3000).ssrc(PUB_SSRC).payload(&frame_payload(seq)).build();
        send_srtp(&mut state, &mut publisher.tx, publisher.addr, &plain);
    }
    state.flush();
    assert_eq!(counter(&state, Counter::RtpForwarded), 8);
    let coalesced = counter(&state, Counter::TxCoalesced) - coalesced_before;
    let received = subscriber_sockets
        .iter()
        .zip(subscribers.iter_mut())
        .map(|(s, sub)| received_rtp(s, &mut sub.rx, 4))
        .collect();
    (coalesced, received)
}

fn assert_frame_intact(received: &[Vec<Vec<u8>>]) {
    for (i, packets) in received.iter().enumerate() {
        assert_eq!(packets.len(), 4, "subscriber {i} got every packet");
        for (k, p) in packets.iter().enumerate() {
            let pkt = RtpPacket::parse(p).unwrap();
            assert_eq!(pkt.ssrc(), OUT_SSRC + i as u32);
            assert_eq!(pkt.sequence_number(), 500 + k as u16, "in order, continuous");
            assert_eq!(pkt.payload(), &frame_payload(k as u16 + 1)[..], "payload intact");
        }
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_frame_fanned_out_leaves_as_one_gso_message_per_subscriber() {
    let (coalesced, received) = fan_out_one_frame(true);
    assert_eq!(coalesced, 8, "both subscribers' four packets went as GSO segments");
    assert_frame_intact(&received);
}

#[test]
fn with_gso_off_the_same_frame_goes_datagram_by_datagram() {
    let (coalesced, received) = fan_out_one_frame(false);
    assert_eq!(coalesced, 0);
    assert_frame_intact(&received);
}
