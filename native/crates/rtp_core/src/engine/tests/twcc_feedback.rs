//! Transport-wide feedback to a publisher whose track negotiated the extension: arrivals are
//! reported every 50 ms over SRTCP, after an empty RR; nothing goes out without new arrivals.

use super::{counter, decrypt_rtcp, key, salt, send_srtp, vp8, PROFILE, PUB_SSRC};
use crate::activity::ManualClock;
use crate::engine::counters::Counter;
use crate::engine::endpoint::IncomingSpec;
use crate::engine::state::{EngineConfig, State};
use crate::mapping::HeaderExtension;
use crate::router::{MediaKind, TrackOptions};
use crate::rtcp::{self, RtcpPacket};
use crate::srtp::SrtpContext;
use crate::test_util::{vp8_delta, PacketBuilder};
use crate::twcc::TWCC_URI;
use std::net::SocketAddr;

const TWCC_ID: u8 = 5;

#[test]
fn arrivals_with_the_transport_wide_extension_are_reported_to_the_publisher() {
    let clock = ManualClock::new(1000.0);
    let mut state = State::with_clock(EngineConfig::default(), None, clock.clone(), 3);
    let publisher = state.create_endpoint();
    state
        .install_srtp(
            publisher,
            PROFILE.dtls_id(),
            &key(10),
            &salt(10),
            &key(11),
            &salt(11),
        )
        .unwrap();
    let addr: SocketAddr = "127.0.0.1:40010".parse().unwrap();
    state
        .send_control(publisher, &[22, 0xfe, 0xfd, 0, 0], addr)
        .unwrap();
    let track = state
        .create_track(TrackOptions {
            kind: MediaKind::Video,
            codecs: vp8(),
            extensions: vec![HeaderExtension {
                id: TWCC_ID,
                uri: TWCC_URI.to_string(),
            }],
        })
        .unwrap();
    state
        .map_incoming(
            publisher,
            &IncomingSpec {
                ssrc: Some(PUB_SSRC),
                ..Default::default()
            },
            track,
        )
        .unwrap();
    state.tick();
    state.flush();
    state.out.take_captured();

    let mut tx = SrtpContext::new(PROFILE, &key(11), &salt(11)).unwrap();
    let mut rx = SrtpContext::new(PROFILE, &key(10), &salt(10)).unwrap();
    // Transport-wide numbers 300, 301, 303 (302 lost), 2 ms apart.
    for (i, twcc_seq) in [300u16, 301, 303].into_iter().enumerate() {
        let plain = PacketBuilder::new()
            .pt(96)
            .seq(10 + i as u16)
            .ts(9000)
            .ssrc(PUB_SSRC)
            .one_byte_ext(&[(TWCC_ID, &twcc_seq.to_be_bytes())])
            .payload(&vp8_delta())
            .build();
        send_srtp(&mut state, &mut tx, addr, &plain);
        clock.advance(2.0);
    }
    clock.advance(50.0);
    state.tick();
    state.flush();
    let sent: Vec<Vec<u8>> = state
        .out
        .take_captured()
        .into_iter()
        .filter(|(_, to)| *to == addr)
        .map(|(d, _)| d)
        .collect();
    let feedback: Vec<Vec<u8>> = sent
        .into_iter()
        .map(|d| decrypt_rtcp(&mut rx, d))
        .filter(|p| rtcp::iter(p).any(|x| matches!(x, Ok(RtcpPacket::TransportCc { .. }))))
        .collect();
    assert_eq!(feedback.len(), 1);
    let packets: Vec<RtcpPacket<'_>> = rtcp::iter(&feedback[0]).map(Result::unwrap).collect();
    assert!(
        matches!(packets[0], RtcpPacket::ReceiverReport(_)),
        "a compound starts with a report"
    );
    assert!(matches!(
        packets[1],
        RtcpPacket::TransportCc {
            media_ssrc: PUB_SSRC,
            ..
        }
    ));
    let fb = &feedback[0][8..];
    assert_eq!(
        u16::from_be_bytes([fb[12], fb[13]]),
        300,
        "base sequence number"
    );
    assert_eq!(
        u16::from_be_bytes([fb[14], fb[15]]),
        4,
        "status count: 300..=303"
    );
    assert_eq!(counter(&state, Counter::TwccFeedbackSent), 1);

    // Nothing new: no feedback.
    clock.advance(60.0);
    state.tick();
    state.flush();
    assert_eq!(counter(&state, Counter::TwccFeedbackSent), 1);
}
