//! Random packets through a Router with two video tracks, one audio track and three routes, driven
//! by a tiny script: each op byte ingests a packet, advances the clock, switches a route's source
//! or recreates a route. Every output record must point inside `out` at a packet that parses and
//! carries its route's SSRC.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rtp_core::{
    Codec, HeaderExtension, ManualClock, MediaKind, RouteOptions, Router, RtpPacket, TrackOptions,
};

const MID: &str = "urn:ietf:params:rtp-hdrext:sdes:mid";
const ABS_SEND: &str = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
const TWCC: &str = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
const AUDIO_LEVEL: &str = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";

fn track(kind: MediaKind, codecs: &[(u8, &str, u32)], exts: &[(u8, &str)]) -> TrackOptions {
    TrackOptions {
        kind,
        codecs: codecs
            .iter()
            .map(|&(pt, m, r)| Codec::new(pt, m, r))
            .collect(),
        extensions: exts
            .iter()
            .map(|&(id, u)| HeaderExtension::new(id, u))
            .collect(),
    }
}

fn route(ssrc: u32, codecs: &[(u8, &str, u32)], exts: &[(u8, &str)]) -> RouteOptions {
    RouteOptions {
        ssrc,
        codecs: codecs
            .iter()
            .map(|&(pt, m, r)| Codec::new(pt, m, r))
            .collect(),
        extensions: exts
            .iter()
            .map(|&(id, u)| HeaderExtension::new(id, u))
            .collect(),
        start_seq: Some(65_000),
        start_ts: None,
    }
}

fn route_options(i: usize) -> RouteOptions {
    match i {
        0 => route(
            0xA0,
            &[(100, "video/VP8", 90_000), (101, "video/H264", 90_000)],
            &[(9, MID), (14, ABS_SEND), (20, TWCC)],
        ),
        1 => route(0xA1, &[(96, "video/vp8", 90_000)], &[]),
        _ => route(0xA2, &[(109, "audio/opus", 48_000)], &[(1, AUDIO_LEVEL)]),
    }
}

fuzz_target!(|data: &[u8]| {
    let clock = ManualClock::new(0.0);
    let mut router = Router::new(clock.clone(), 1);
    let video_exts = [(1, MID), (3, ABS_SEND), (5, TWCC)];
    let tracks = [
        router
            .create_track(track(
                MediaKind::Video,
                &[
                    (96, "video/VP8", 90_000),
                    (97, "video/rtx", 90_000),
                    (102, "video/H264", 90_000),
                ],
                &video_exts,
            ))
            .unwrap(),
        router
            .create_track(track(
                MediaKind::Video,
                &[(98, "video/VP8", 90_000)],
                &[(2, MID), (4, TWCC)],
            ))
            .unwrap(),
        router
            .create_track(track(
                MediaKind::Audio,
                &[(111, "audio/opus", 48_000)],
                &[(1, AUDIO_LEVEL)],
            ))
            .unwrap(),
    ];
    let sources = [tracks[0], tracks[0], tracks[2]];
    let mut routes: Vec<(u32, u32)> = (0..3)
        .map(|i| {
            (
                router.create_route(sources[i], route_options(i)).unwrap(),
                route_options(i).ssrc,
            )
        })
        .collect();

    let mut out = vec![0u8; 4096];
    let mut index = vec![0u32; 3 * 4];
    let mut scratch = Vec::with_capacity(256);
    let mut rest = data;
    while let Some((&op, tail)) = rest.split_first() {
        rest = tail;
        let arg = usize::from(op >> 3);
        match op & 7 {
            0..=4 => {
                let Some((&len, tail)) = rest.split_first() else {
                    break;
                };
                let len = usize::from(len).min(tail.len());
                scratch.clear();
                scratch.extend_from_slice(&tail[..len]);
                rest = &tail[len..];
                if op & 4 == 0 && !scratch.is_empty() {
                    scratch[0] = 0x80 | (scratch[0] & 0x3F); // mostly version 2
                }
                let t = tracks[arg % tracks.len()];
                let n = router.ingest(t, &scratch, &mut out, &mut index).unwrap() as usize;
                assert!(n <= routes.len());
                for record in index[..3 * n].chunks_exact(3) {
                    let (r, off, len) = (record[0], record[1] as usize, record[2] as usize);
                    let bytes = out.get(off..off + len).expect("record inside out");
                    let pkt = RtpPacket::parse(bytes).expect("forwarded packet parses");
                    let ssrc = routes.iter().find(|(h, _)| *h == r).expect("known route").1;
                    assert_eq!(pkt.ssrc(), ssrc);
                }
            }
            5 => clock.advance(f64::from(op >> 3) * 7.0),
            6 => {
                let (r, _) = routes[0];
                let _ = router.switch_route_source(r, tracks[arg % 2]);
            }
            _ => {
                let i = arg % routes.len();
                router.close_route(routes[i].0).unwrap();
                let source = if i == 2 { tracks[2] } else { tracks[arg % 2] };
                routes[i].0 = router.create_route(source, route_options(i)).unwrap();
            }
        }
    }
    router.close();
});
