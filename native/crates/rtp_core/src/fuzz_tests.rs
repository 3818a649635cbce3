//! Property-style robustness: thousands of random and mutated byte strings through the parser, the
//! keyframe detectors and the router. The only assertion that matters: nothing panics, and every
//! `out_index` record points inside `out` at a packet that parses.

use crate::activity::ManualClock;
use crate::keyframe::{is_keyframe, CodecKind};
use crate::mapping::{Codec, HeaderExtension};
use crate::router::{MediaKind, RouteOptions, Router, TrackOptions};
use crate::rtp::RtpPacket;
use crate::test_util::{vp8_key, PacketBuilder, XorShift};

const KINDS: [CodecKind; 7] = [
    CodecKind::Audio,
    CodecKind::Vp8,
    CodecKind::Vp9,
    CodecKind::H264,
    CodecKind::H265,
    CodecKind::Av1,
    CodecKind::OtherVideo,
];

/// Random bytes, biased towards looking like RTP so the deeper paths get exercised.
fn random_packet(rng: &mut XorShift, buf: &mut Vec<u8>) {
    let len = rng.below(120) as usize;
    buf.resize(len, 0);
    rng.fill(buf);
    if len > 0 && rng.below(4) != 0 {
        buf[0] = (buf[0] & 0x3F) | 0x80; // version 2
    }
    if len > 1 && rng.below(2) == 0 {
        buf[1] = (buf[1] & 0x80) | [96, 102, 111, 120][rng.below(4) as usize];
    }
    if len > 15 && rng.below(3) == 0 {
        buf[0] = (buf[0] & 0xF0) | 0x10; // no CSRCs, extension block right after the fixed header
        let profile: u16 = if rng.below(2) == 0 { 0xBEDE } else { 0x1000 };
        buf[12..14].copy_from_slice(&profile.to_be_bytes());
        buf[14] = 0;
        buf[15] %= 4;
    }
}

#[test]
fn parser_and_detectors_survive_random_bytes() {
    let mut rng = XorShift::new(0x0123_4567_89AB_CDEF);
    let mut buf = Vec::new();
    let mut parsed = 0;
    for _ in 0..5000 {
        random_packet(&mut rng, &mut buf);
        if let Ok(p) = RtpPacket::parse(&buf) {
            parsed += 1;
            assert_eq!(
                p.header_len() + p.payload().len() + p.padding().len(),
                buf.len()
            );
            for e in p.extensions() {
                assert!(e.id != 0 && e.data.len() <= 255);
            }
            let _ = (p.csrcs().count(), p.extension(1), p.ssrc(), p.timestamp());
        }
        for kind in KINDS {
            let _ = is_keyframe(kind, &buf);
        }
    }
    assert!(
        parsed > 200,
        "generator should produce some valid packets, got {parsed}"
    );
}

#[test]
fn router_survives_random_and_mutated_packets() {
    let clock = ManualClock::new(0.0);
    let mut router = Router::new(clock.clone(), 7);
    let video = router
        .create_track(TrackOptions {
            kind: MediaKind::Video,
            codecs: vec![
                Codec::new(96, "video/VP8", 90000),
                Codec::new(102, "video/H264", 90000),
            ],
            extensions: vec![
                HeaderExtension::new(1, "urn:a"),
                HeaderExtension::new(2, "urn:b"),
            ],
        })
        .unwrap();
    let audio = router
        .create_track(TrackOptions {
            kind: MediaKind::Audio,
            codecs: vec![Codec::new(111, "audio/opus", 48000)],
            extensions: vec![HeaderExtension::new(1, "urn:a")],
        })
        .unwrap();
    let options = |ssrc, a_id| RouteOptions {
        ssrc,
        codecs: vec![
            Codec::new(100, "video/VP8", 90000),
            Codec::new(101, "video/H264", 90000),
            Codec::new(109, "audio/opus", 48000),
        ],
        extensions: vec![
            HeaderExtension::new(a_id, "urn:a"),
            HeaderExtension::new(3, "urn:b"),
        ],
        start_seq: None,
        start_ts: None,
    };
    let r1 = router.create_route(video, options(1, 1)).unwrap();
    router.create_route(video, options(2, 200)).unwrap();
    router.create_route(audio, options(3, 14)).unwrap();

    let template = PacketBuilder::new()
        .pt(96)
        .one_byte_ext(&[(1, &[1, 2]), (2, &[3])])
        .payload(&vp8_key())
        .padding(3)
        .build();
    let mut rng = XorShift::new(99);
    let mut buf = Vec::new();
    let mut out = vec![0u8; 600];
    let mut index = vec![0u32; 9];
    let mut forwarded = 0;
    for i in 0..6000u32 {
        if i % 2 == 0 {
            random_packet(&mut rng, &mut buf);
        } else {
            // mutate a few bytes of a valid packet, sometimes truncate
            buf.clear();
            buf.extend_from_slice(&template);
            buf[2..4].copy_from_slice(&(i as u16).to_be_bytes());
            for _ in 0..rng.below(4) {
                let at = rng.below(buf.len() as u64) as usize;
                buf[at] = rng.next_u64() as u8;
            }
            buf.truncate(buf.len() - rng.below(6) as usize);
        }
        if i % 500 == 250 {
            router
                .switch_route_source(r1, if i % 1000 == 250 { audio } else { video })
                .ok();
        }
        clock.advance(1.0);
        let track = if rng.below(3) == 0 { audio } else { video };
        let n = router.ingest(track, &buf, &mut out, &mut index).unwrap() as usize;
        for rec in index[..3 * n].chunks_exact(3) {
            let (off, len) = (rec[1] as usize, rec[2] as usize);
            assert!(off + len <= out.len());
            assert!(
                RtpPacket::parse(&out[off..off + len]).is_ok(),
                "output must parse"
            );
        }
        forwarded += n;
    }
    assert!(
        forwarded > 100,
        "some mutated packets should be forwarded, got {forwarded}"
    );
    let (tracks, routes) = router.counts().unwrap();
    assert_eq!((tracks, routes), (2, 3));
}
