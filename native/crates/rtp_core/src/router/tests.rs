//! Packet scripts through the whole router: real RTP bytes in, rewritten bytes out.

use super::*;
use crate::activity::ManualClock;
use crate::rtp::ExtensionForm;
use crate::test_util::{h264_idr, h264_non_idr, opus_frame, vp8_delta, vp8_key, PacketBuilder};

const MID: &str = "urn:ietf:params:rtp-hdrext:sdes:mid";
const ABS: &str = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
const TWCC: &str = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

fn router() -> (Router<ManualClock>, ManualClock) {
    let clock = ManualClock::new(1000.0);
    (Router::new(clock.clone(), 42), clock)
}

fn video_track(r: &mut Router<ManualClock>) -> u32 {
    r.create_track(TrackOptions {
        kind: MediaKind::Video,
        codecs: vec![
            Codec::new(96, "video/VP8", 90000),
            Codec::new(102, "video/H264", 90000),
        ],
        extensions: vec![
            HeaderExtension::new(1, MID),
            HeaderExtension::new(2, ABS),
            HeaderExtension::new(3, TWCC),
        ],
    })
    .unwrap()
}

fn audio_track(r: &mut Router<ManualClock>) -> u32 {
    r.create_track(TrackOptions {
        kind: MediaKind::Audio,
        codecs: vec![Codec::new(111, "audio/opus", 48000)],
        extensions: vec![HeaderExtension::new(1, MID)],
    })
    .unwrap()
}

fn route_options(ssrc: u32) -> RouteOptions {
    RouteOptions {
        ssrc,
        codecs: vec![
            Codec::new(100, "video/vp8", 90000),
            Codec::new(101, "video/h264", 90000),
            Codec::new(109, "audio/OPUS", 48000),
        ],
        extensions: vec![HeaderExtension::new(4, MID), HeaderExtension::new(9, ABS)],
        start_seq: Some(5000),
        start_ts: Some(1_000_000),
    }
}

/// Output buffers plus the decoded index.
struct Out {
    buf: Vec<u8>,
    index: Vec<u32>,
}

impl Out {
    fn new() -> Self {
        Self {
            buf: vec![0; 8192],
            index: vec![0; 30],
        }
    }
    fn ingest(
        &mut self,
        r: &mut Router<ManualClock>,
        track: u32,
        packet: &[u8],
    ) -> Vec<(u32, Vec<u8>)> {
        let n = r
            .ingest(track, packet, &mut self.buf, &mut self.index)
            .unwrap() as usize;
        (0..n)
            .map(|i| {
                let [route, off, len] = [
                    self.index[3 * i],
                    self.index[3 * i + 1],
                    self.index[3 * i + 2],
                ];
                (route, self.buf[off as usize..(off + len) as usize].to_vec())
            })
            .collect()
    }
}

fn header(bytes: &[u8]) -> (u32, u8, u16, u32, bool) {
    let p = RtpPacket::parse(bytes).unwrap();
    (
        p.ssrc(),
        p.payload_type(),
        p.sequence_number(),
        p.timestamp(),
        p.marker(),
    )
}

#[test]
fn vp8_route_waits_for_keyframe_and_rewrites_everything() {
    let (mut r, _) = router();
    let track = video_track(&mut r);
    let route = r.create_route(track, route_options(0xABCD)).unwrap();
    let mut out = Out::new();

    let delta = PacketBuilder::new()
        .pt(96)
        .seq(10)
        .ts(3000)
        .payload(&vp8_delta())
        .build();
    assert!(out.ingest(&mut r, track, &delta).is_empty());

    let key = PacketBuilder::new()
        .pt(96)
        .seq(11)
        .ts(6000)
        .marker(true)
        .one_byte_ext(&[(1, b"0"), (2, &[1, 2, 3]), (3, &[0, 7])])
        .payload(&vp8_key())
        .build();
    let copies = out.ingest(&mut r, track, &key);
    assert_eq!(copies.len(), 1);
    let (to, bytes) = &copies[0];
    assert_eq!(*to, route);
    assert_eq!(header(bytes), (0xABCD, 100, 5000, 1_000_000, true));
    let p = RtpPacket::parse(bytes).unwrap();
    assert_eq!(p.extension_form(), Some(ExtensionForm::OneByte));
    let exts: Vec<_> = p.extensions().map(|e| (e.id, e.data.to_vec())).collect();
    assert_eq!(exts, vec![(4, b"0".to_vec()), (9, vec![1, 2, 3])]); // TWCC not negotiated: dropped
    assert_eq!(p.payload(), &vp8_key()[..]);
    let first_len = bytes.len();

    let next = PacketBuilder::new()
        .pt(96)
        .seq(12)
        .ts(9000)
        .payload(&vp8_delta())
        .build();
    let copies = out.ingest(&mut r, track, &next);
    assert_eq!(header(&copies[0].1), (0xABCD, 100, 5001, 1_003_000, false));

    let stats = r.route_stats(route).unwrap();
    assert_eq!(stats.packets_forwarded, 2);
    assert_eq!(stats.dropped_waiting_keyframe, 1);
    assert_eq!(
        stats.bytes_forwarded,
        (first_len + copies[0].1.len()) as u64
    );
    let t = r.track_stats(track).unwrap();
    assert_eq!(
        (t.packets, t.malformed_dropped, t.last_packet_at_ms),
        (3, 0, Some(1000.0))
    );
    assert_eq!(t.bytes, (delta.len() + key.len() + next.len()) as u64);
}

#[test]
fn h264_gate_opens_on_idr_only() {
    let (mut r, _) = router();
    let track = video_track(&mut r);
    let route = r.create_route(track, route_options(1)).unwrap();
    let mut out = Out::new();
    let p = |seq: u16, payload: &[u8]| {
        PacketBuilder::new()
            .pt(102)
            .seq(seq)
            .ts(u32::from(seq))
            .payload(payload)
            .build()
    };
    assert!(out.ingest(&mut r, track, &p(1, &h264_non_idr())).is_empty());
    let copies = out.ingest(&mut r, track, &p(2, &h264_idr()));
    assert_eq!(header(&copies[0].1).1, 101);
    assert_eq!(header(&copies[0].1).2, 5000);
    assert_eq!(out.ingest(&mut r, track, &p(3, &h264_non_idr())).len(), 1);
    assert_eq!(r.route_stats(route).unwrap().packets_forwarded, 2);
}

#[test]
fn audio_routes_start_immediately() {
    let (mut r, _) = router();
    let track = audio_track(&mut r);
    let route = r.create_route(track, route_options(77)).unwrap();
    let mut out = Out::new();
    let pkt = PacketBuilder::new()
        .pt(111)
        .seq(9)
        .ts(960)
        .one_byte_ext(&[(1, b"a")])
        .payload(&opus_frame())
        .build();
    let copies = out.ingest(&mut r, track, &pkt);
    assert_eq!(copies.len(), 1);
    assert_eq!(header(&copies[0].1), (77, 109, 5000, 1_000_000, false));
    assert_eq!(
        RtpPacket::parse(&copies[0].1).unwrap().extension(4),
        Some(&b"a"[..])
    );
    assert_eq!(r.route_stats(route).unwrap().dropped_waiting_keyframe, 0);
}

#[test]
fn sequence_wrap_and_reordering_through_the_router() {
    let (mut r, _) = router();
    let track = video_track(&mut r);
    r.create_route(track, route_options(1)).unwrap();
    let mut out = Out::new();
    let p = |seq: u16, key: bool| {
        PacketBuilder::new()
            .pt(96)
            .seq(seq)
            .ts(90)
            .payload(&if key { vp8_key() } else { vp8_delta() })
            .build()
    };
    let mut seqs = Vec::new();
    for (seq, key) in [
        (65533, true),
        (65535, false),
        (65534, false),
        (0, false),
        (2, false),
        (1, false),
        (65532, false),
        (1, false),
    ] {
        seqs.push(
            out.ingest(&mut r, track, &p(seq, key))
                .first()
                .map(|(_, b)| header(b).2),
        );
    }
    assert_eq!(
        seqs,
        vec![
            Some(5000),
            Some(5002),
            Some(5001),
            Some(5003),
            Some(5005),
            Some(5004),
            None,
            None
        ]
    );
}

#[test]
fn unmapped_payload_type_and_malformed_packets_are_dropped_and_counted() {
    let (mut r, clock) = router();
    let track = video_track(&mut r);
    let vp8_only = RouteOptions {
        codecs: vec![Codec::new(100, "video/VP8", 90000)],
        ..route_options(1)
    };
    let route = r.create_route(track, vp8_only).unwrap();
    let mut out = Out::new();
    // H.264 is the track's codec but not the subscriber's
    let idr = PacketBuilder::new()
        .pt(102)
        .seq(1)
        .payload(&h264_idr())
        .build();
    assert!(out.ingest(&mut r, track, &idr).is_empty());
    clock.advance(50.0);
    assert_eq!(
        r.ingest(track, &[0x80, 0x60, 0x00], &mut out.buf, &mut out.index),
        Ok(0)
    );
    assert_eq!(r.ingest(track, &[], &mut out.buf, &mut out.index), Ok(0));
    let t = r.track_stats(track).unwrap();
    assert_eq!(
        (t.packets, t.malformed_dropped, t.last_packet_at_ms),
        (1, 2, Some(1000.0))
    );
    let s = r.route_stats(route).unwrap();
    assert_eq!(
        (
            s.packets_forwarded,
            s.dropped_other,
            s.dropped_waiting_keyframe
        ),
        (0, 1, 0)
    );
}

#[test]
fn rtx_rtcp_and_unknown_payload_types_do_not_disturb_sequence_state() {
    let (mut r, _) = router();
    let track = r
        .create_track(TrackOptions {
            kind: MediaKind::Video,
            codecs: vec![
                Codec::new(96, "video/VP8", 90000),
                Codec::new(97, "video/rtx", 90000),
            ],
            extensions: vec![],
        })
        .unwrap();
    let route = r.create_route(track, route_options(1)).unwrap();
    let mut out = Out::new();
    let key = PacketBuilder::new()
        .pt(96)
        .seq(10)
        .payload(&vp8_key())
        .build();
    assert_eq!(header(&out.ingest(&mut r, track, &key)[0].1).2, 5000);
    let rtx = PacketBuilder::new()
        .pt(97)
        .seq(40000)
        .payload(&[0, 10])
        .build();
    let unknown = PacketBuilder::new().pt(120).seq(50000).build();
    // an RTCP receiver report (PT 201) read as RTP: byte 1 = 0xC9 -> marker + PT 73
    let rtcp = [0x81, 0xC9, 0x00, 0x07, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0];
    for p in [&rtx[..], &unknown[..], &rtcp[..]] {
        assert!(out.ingest(&mut r, track, p).is_empty());
    }
    let delta = PacketBuilder::new()
        .pt(96)
        .seq(11)
        .payload(&vp8_delta())
        .build();
    assert_eq!(header(&out.ingest(&mut r, track, &delta)[0].1).2, 5001);
    assert_eq!(r.track_stats(track).unwrap().packets, 5);
    assert_eq!(r.route_stats(route).unwrap().dropped_other, 0);
}

#[test]
fn fan_out_writes_each_copy_back_to_back_and_counts_overflow() {
    let (mut r, _) = router();
    let track = audio_track(&mut r);
    let a = r.create_route(track, route_options(1)).unwrap();
    let b = r.create_route(track, route_options(2)).unwrap();
    let c = r.create_route(track, route_options(3)).unwrap();
    let pkt = PacketBuilder::new()
        .pt(111)
        .seq(1)
        .payload(&opus_frame())
        .build();
    let mut buf = vec![0u8; 2 * pkt.len() + 5];
    let mut index = vec![0u32; 9];
    assert_eq!(r.ingest(track, &pkt, &mut buf, &mut index), Ok(2));
    assert_eq!(
        &index[..6],
        &[
            a,
            0,
            pkt.len() as u32,
            b,
            pkt.len() as u32,
            pkt.len() as u32
        ]
    );
    assert_eq!(r.route_stats(c).unwrap().dropped_overflow, 1);

    // index too small for a second record
    let mut big = vec![0u8; 4096];
    let mut small_index = vec![0u32; 4];
    let next = PacketBuilder::new()
        .pt(111)
        .seq(2)
        .payload(&opus_frame())
        .build();
    assert_eq!(r.ingest(track, &next, &mut big, &mut small_index), Ok(1));
    assert_eq!(small_index[0], a);
    assert_eq!(r.route_stats(b).unwrap().dropped_overflow, 1);
    assert_eq!(r.route_stats(c).unwrap().dropped_overflow, 2);
    // the overflowing keyframe did not open anything it could not deliver
    assert_eq!(r.route_stats(c).unwrap().packets_forwarded, 0);
}

#[test]
fn packets_routed_nowhere_still_stamp_activity() {
    let (mut r, clock) = router();
    let t1 = video_track(&mut r);
    let t2 = audio_track(&mut r);
    let mut handles = [0u32; 4];
    let mut at = [0f64; 4];
    clock.set(2500.0);
    let mut out = Out::new();
    out.ingest(&mut r, t2, &PacketBuilder::new().pt(111).build());
    assert_eq!(r.read_activity(&mut handles, &mut at), Ok(2));
    let rows: Vec<_> = handles[..2].iter().zip(&at[..2]).collect();
    assert!(rows.iter().any(|(h, a)| **h == t1 && a.is_nan()));
    assert!(rows.iter().any(|(h, a)| **h == t2 && **a == 2500.0));
    assert_eq!(r.read_activity(&mut handles[..1], &mut at), Ok(1));
}

#[test]
fn switch_source_keeps_one_continuous_stream() {
    let (mut r, clock) = router();
    let a = video_track(&mut r);
    let b = video_track(&mut r);
    let route = r.create_route(a, route_options(9)).unwrap();
    let mut out = Out::new();
    let p = |seq: u16, ts: u32, key: bool| {
        PacketBuilder::new()
            .pt(96)
            .seq(seq)
            .ts(ts)
            .payload(&if key { vp8_key() } else { vp8_delta() })
            .build()
    };
    assert_eq!(
        header(&out.ingest(&mut r, a, &p(100, 9000, true))[0].1).2,
        5000
    );
    assert_eq!(
        header(&out.ingest(&mut r, a, &p(101, 12000, false))[0].1).2,
        5001
    );
    r.switch_route_source(route, b).unwrap();
    assert_eq!(r.route_sources(route), Ok((a, Some(b))));
    clock.advance(20.0);
    assert!(out.ingest(&mut r, b, &p(40000, 7, false)).is_empty()); // waits for B's keyframe
    assert_eq!(out.ingest(&mut r, a, &p(102, 15000, false)).len(), 1); // A still flows
    clock.advance(10.0);
    let switched = out.ingest(&mut r, b, &p(40001, 77, true));
    // 10 ms after the last packet out at 90 kHz: +900 ticks
    assert_eq!(
        header(&switched[0].1),
        (9, 100, 5003, 1_006_000 + 900, false)
    );
    assert_eq!(r.route_sources(route), Ok((b, None)));
    assert!(out.ingest(&mut r, a, &p(103, 18000, false)).is_empty()); // A no longer feeds it
    assert_eq!(
        header(&out.ingest(&mut r, b, &p(40002, 3077, false))[0].1).2,
        5004
    );
    assert_eq!(
        r.route_stats(route).unwrap().dropped_other,
        0,
        "A was unlinked, not dropped"
    );
}

#[test]
fn lifecycle_cascades_and_double_close_is_a_no_op() {
    let (mut r, _) = router();
    let a = video_track(&mut r);
    let b = video_track(&mut r);
    let on_a = r.create_route(a, route_options(1)).unwrap();
    let moving = r.create_route(b, route_options(2)).unwrap();
    // moving has forwarded a keyframe from b, then asks to switch to a
    let mut out = Out::new();
    out.ingest(
        &mut r,
        b,
        &PacketBuilder::new().pt(96).payload(&vp8_key()).build(),
    );
    r.switch_route_source(moving, a).unwrap();
    assert_eq!(r.counts(), Ok((2, 2)));

    r.close_track(a).unwrap();
    assert_eq!(r.counts(), Ok((1, 1)));
    assert_eq!(r.route_stats(on_a), Err(Error::RouteNotFound(on_a)));
    assert_eq!(
        r.route_sources(moving),
        Ok((b, None)),
        "pending switch to a closed track is cancelled"
    );
    assert_eq!(r.close_track(a), Ok(()));
    assert_eq!(r.close_route(on_a), Ok(()));
    assert_eq!(r.close_route(999), Err(Error::RouteNotFound(999)));
    assert_eq!(r.close_track(0), Err(Error::TrackNotFound(0)));

    let c = video_track(&mut r);
    assert!(c > moving, "handles are never reused");
    r.close_route(moving).unwrap();
    r.close_route(moving).unwrap();
    assert_eq!(r.counts(), Ok((2, 0)));

    r.close();
    r.close();
    assert_eq!(r.counts(), Err(Error::Closed));
    assert_eq!(
        r.create_track(TrackOptions {
            kind: MediaKind::Audio,
            codecs: vec![],
            extensions: vec![]
        }),
        Err(Error::Closed)
    );
    assert_eq!(r.ingest(c, &[], &mut [], &mut []), Err(Error::Closed));
    assert_eq!(r.now_ms(), Err(Error::Closed));
}

#[test]
fn bad_arguments_are_rejected_with_codes() {
    let (mut r, _) = router();
    let v = video_track(&mut r);
    let codes = [
        r.create_track(TrackOptions {
            kind: MediaKind::Video,
            codecs: vec![],
            extensions: vec![],
        }),
        r.create_track(TrackOptions {
            kind: MediaKind::Audio,
            codecs: vec![Codec::new(96, "video/VP8", 90000)],
            extensions: vec![],
        }),
        r.create_route(
            v,
            RouteOptions {
                codecs: vec![Codec::new(1, "audio/opus", 48000)],
                ..route_options(1)
            },
        ),
        r.create_route(123, route_options(1)),
        r.switch_route_source(456, v).map(|_| 0),
    ]
    .map(|res| res.unwrap_err().code());
    assert_eq!(
        codes,
        [
            "invalid_argument",
            "invalid_argument",
            "invalid_argument",
            "not_found",
            "not_found"
        ]
    );
    let route = r.create_route(v, route_options(1)).unwrap();
    assert_eq!(
        r.switch_route_source(route, 789),
        Err(Error::TrackNotFound(789))
    );
    assert_eq!(
        r.switch_route_source(route, route).unwrap_err().code(),
        "not_found"
    );
    assert_eq!(
        MediaKind::from_name("data").unwrap_err().code(),
        "invalid_argument"
    );
    assert_eq!(
        r.ingest(route, &[], &mut [], &mut []),
        Err(Error::TrackNotFound(route))
    );
}

#[test]
fn random_start_values_differ_between_routes() {
    let (mut r, _) = router();
    let t = audio_track(&mut r);
    let opts = RouteOptions {
        start_seq: None,
        start_ts: None,
        ..route_options(1)
    };
    let a = r.create_route(t, opts.clone()).unwrap();
    let b = r.create_route(t, opts).unwrap();
    let mut out = Out::new();
    let copies = out.ingest(&mut r, t, &PacketBuilder::new().pt(111).build());
    assert_eq!(copies.iter().map(|c| c.0).collect::<Vec<_>>(), vec![a, b]);
    assert_ne!(header(&copies[0].1).2, header(&copies[1].1).2);
}
