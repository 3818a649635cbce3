//! Packet scripts: each step feeds one packet's metadata and states the verdict expected.

use super::*;
use crate::mapping::{Codec, HeaderExtension};

const VIDEO_A: u32 = 1;
const VIDEO_B: u32 = 2;

fn source(track: u32) -> Source {
    let publisher = [Codec::new(96, "video/VP8", 90000)];
    let subscriber = [Codec::new(100, "video/vp8", 90000)];
    let exts = [HeaderExtension::new(
        1,
        "urn:ietf:params:rtp-hdrext:sdes:mid",
    )];
    Source {
        track,
        payload_types: PayloadTypeMap::build(&publisher, &subscriber),
        extensions: ExtensionMap::build(&exts, &exts),
    }
}

/// A packet of `track` with extended seq `ext_seq` and timestamp `ts`; delta frame unless `.key()`.
#[derive(Clone, Copy)]
struct P(PacketMeta);

fn pkt(track: u32, ext_seq: u64, ts: u32) -> P {
    P(PacketMeta {
        source: track,
        ext_seq,
        ts,
        payload_type: 96,
        is_keyframe: false,
        clock_rate: 90000,
    })
}

impl P {
    fn key(mut self) -> Self {
        self.0.is_keyframe = true;
        self
    }
    fn pt(mut self, pt: u8) -> Self {
        self.0.payload_type = pt;
        self
    }
}

fn fwd(seq: u16, ts: u32) -> Verdict {
    Verdict::Forward {
        seq,
        ts,
        payload_type: 100,
    }
}

fn drop(reason: DropReason) -> Verdict {
    Verdict::Drop(reason)
}

/// Runs `(packet, now_ms, expected)` steps, naming the failing step.
fn script(f: &mut Forwarder, steps: &[(P, f64, Verdict)]) {
    for (i, (p, now, expected)) in steps.iter().enumerate() {
        assert_eq!(f.decide(&p.0, *now), *expected, "step {i}: {:?}", p.0);
    }
}

#[test]
fn waits_for_keyframe_then_maps_to_start_values() {
    let mut f = Forwarder::new(source(VIDEO_A), 1000, 50_000);
    script(
        &mut f,
        &[
            (
                pkt(VIDEO_A, 10, 3000),
                0.0,
                drop(DropReason::WaitingKeyframe),
            ),
            (
                pkt(VIDEO_A, 11, 3000),
                0.0,
                drop(DropReason::WaitingKeyframe),
            ),
            (pkt(VIDEO_A, 12, 6000).key(), 1.0, fwd(1000, 50_000)),
            (pkt(VIDEO_A, 13, 6000), 1.0, fwd(1001, 50_000)),
            (pkt(VIDEO_A, 14, 9000), 34.0, fwd(1002, 53_000)),
            // a loss passes through as a gap
            (pkt(VIDEO_A, 17, 12000), 67.0, fwd(1005, 56_000)),
        ],
    );
    assert!(f.has_started());
}

#[test]
fn audio_packets_count_as_keyframes() {
    let mut f = Forwarder::new(source(VIDEO_A), 0, 0);
    // the track marks every audio packet as a keyframe
    script(
        &mut f,
        &[
            (pkt(VIDEO_A, 5, 960).key(), 0.0, fwd(0, 0)),
            (pkt(VIDEO_A, 6, 1920).key(), 0.0, fwd(1, 960)),
        ],
    );
}

#[test]
fn output_seq_and_ts_wrap() {
    let mut f = Forwarder::new(source(VIDEO_A), 65534, u32::MAX - 10);
    script(
        &mut f,
        &[
            (pkt(VIDEO_A, 100, 0).key(), 0.0, fwd(65534, u32::MAX - 10)),
            (pkt(VIDEO_A, 101, 0), 0.0, fwd(65535, u32::MAX - 10)),
            (pkt(VIDEO_A, 102, 3000), 0.0, fwd(0, 2989)),
            (pkt(VIDEO_A, 103, 3000), 0.0, fwd(1, 2989)),
        ],
    );
}

#[test]
fn reordered_packets_keep_their_mapped_seq_duplicates_and_pre_start_drop() {
    let mut f = Forwarder::new(source(VIDEO_A), 500, 0);
    script(
        &mut f,
        &[
            (pkt(VIDEO_A, 20, 100).key(), 0.0, fwd(500, 0)),
            (pkt(VIDEO_A, 23, 200), 0.0, fwd(503, 100)),
            (pkt(VIDEO_A, 21, 100), 0.0, fwd(501, 0)),
            (pkt(VIDEO_A, 22, 200), 0.0, fwd(502, 100)),
            (pkt(VIDEO_A, 22, 200), 0.0, drop(DropReason::Duplicate)),
            (pkt(VIDEO_A, 23, 200), 0.0, drop(DropReason::Duplicate)),
            (pkt(VIDEO_A, 19, 100), 0.0, drop(DropReason::BeforeStart)),
            (pkt(VIDEO_A, 24, 300), 0.0, fwd(504, 200)),
        ],
    );
}

#[test]
fn duplicates_older_than_the_window_still_pass() {
    let mut f = Forwarder::new(source(VIDEO_A), 0, 0);
    script(
        &mut f,
        &[
            (pkt(VIDEO_A, 0, 0).key(), 0.0, fwd(0, 0)),
            (pkt(VIDEO_A, 100, 0), 0.0, fwd(100, 0)),
        ],
    );
    // 100 back is outside the 64-packet window: forwarded again, by design
    script(&mut f, &[(pkt(VIDEO_A, 0, 0), 0.0, fwd(0, 0))]);
}

#[test]
fn unmapped_payload_types_drop_even_if_keyframe() {
    let mut f = Forwarder::new(source(VIDEO_A), 0, 0);
    script(
        &mut f,
        &[
            (
                pkt(VIDEO_A, 1, 0).key().pt(97),
                0.0,
                drop(DropReason::UnmappedPayloadType),
            ),
            (pkt(VIDEO_A, 2, 0).key(), 0.0, fwd(0, 0)),
            (
                pkt(VIDEO_A, 3, 0).pt(97),
                0.0,
                drop(DropReason::UnmappedPayloadType),
            ),
            (pkt(VIDEO_A, 4, 0), 0.0, fwd(2, 0)),
        ],
    );
}

#[test]
fn packets_of_other_tracks_are_not_forwarded() {
    let mut f = Forwarder::new(source(VIDEO_A), 0, 0);
    script(
        &mut f,
        &[(pkt(VIDEO_B, 1, 0).key(), 0.0, drop(DropReason::NotSource))],
    );
}

#[test]
fn switch_keeps_old_source_until_new_keyframe_then_continues_seq_and_ts() {
    let mut f = Forwarder::new(source(VIDEO_A), 1000, 10_000);
    script(
        &mut f,
        &[
            (pkt(VIDEO_A, 50, 90_000).key(), 0.0, fwd(1000, 10_000)),
            (pkt(VIDEO_A, 51, 93_000), 33.0, fwd(1001, 13_000)),
        ],
    );
    assert_eq!(
        f.switch_source(source(VIDEO_B)),
        SwitchOutcome::Pending { superseded: None }
    );
    assert_eq!(f.pending_track(), Some(VIDEO_B));
    assert!(f.extensions_for(VIDEO_B).is_some());
    script(
        &mut f,
        &[
            // new source's delta frames wait; the old source keeps flowing meanwhile
            (
                pkt(VIDEO_B, 7000, 555),
                40.0,
                drop(DropReason::WaitingKeyframe),
            ),
            (pkt(VIDEO_A, 52, 96_000), 66.0, fwd(1002, 16_000)),
            // keyframe of B 34 ms after the last packet out: ts = 16000 + 34 ms × 90 kHz = 19060
            (pkt(VIDEO_B, 7001, 777).key(), 100.0, fwd(1003, 19_060)),
            (pkt(VIDEO_B, 7002, 777), 100.0, fwd(1004, 19_060)),
            (pkt(VIDEO_B, 7003, 3777), 133.0, fwd(1005, 22_060)),
            // late packets: the old source is gone, the new one's pre-switch packets too
            (pkt(VIDEO_A, 53, 99_000), 134.0, drop(DropReason::NotSource)),
            (
                pkt(VIDEO_B, 7000, 555),
                134.0,
                drop(DropReason::BeforeStart),
            ),
        ],
    );
    assert_eq!(f.source_track(), VIDEO_B);
    assert_eq!(f.pending_track(), None);
    assert!(f.extensions_for(VIDEO_A).is_none());
}

#[test]
fn immediate_switch_advances_ts_by_at_least_one_tick() {
    let mut f = Forwarder::new(source(VIDEO_A), 0, 0);
    script(&mut f, &[(pkt(VIDEO_A, 1, 0).key(), 5.0, fwd(0, 0))]);
    f.switch_source(source(VIDEO_B));
    script(
        &mut f,
        &[
            (pkt(VIDEO_B, 9, 4242).key(), 5.0, fwd(1, 1)),
            (pkt(VIDEO_B, 10, 4243), 5.0, fwd(2, 2)),
        ],
    );
}

#[test]
fn switch_before_first_packet_replaces_the_source() {
    let mut f = Forwarder::new(source(VIDEO_A), 300, 0);
    assert_eq!(
        f.switch_source(source(VIDEO_B)),
        SwitchOutcome::Replaced { old: VIDEO_A }
    );
    script(
        &mut f,
        &[
            (pkt(VIDEO_A, 1, 0).key(), 0.0, drop(DropReason::NotSource)),
            (pkt(VIDEO_B, 1, 0), 0.0, drop(DropReason::WaitingKeyframe)),
            (pkt(VIDEO_B, 2, 0).key(), 0.0, fwd(300, 0)),
        ],
    );
}

#[test]
fn switching_back_cancels_and_superseding_replaces_pending() {
    let mut f = Forwarder::new(source(VIDEO_A), 0, 0);
    script(&mut f, &[(pkt(VIDEO_A, 1, 0).key(), 0.0, fwd(0, 0))]);
    assert_eq!(
        f.switch_source(source(VIDEO_B)),
        SwitchOutcome::Pending { superseded: None }
    );
    assert_eq!(
        f.switch_source(source(3)),
        SwitchOutcome::Pending {
            superseded: Some(VIDEO_B)
        }
    );
    assert_eq!(
        f.switch_source(source(VIDEO_A)),
        SwitchOutcome::Unchanged { cancelled: Some(3) }
    );
    script(
        &mut f,
        &[
            (pkt(3, 1, 0).key(), 0.0, drop(DropReason::NotSource)),
            (pkt(VIDEO_A, 2, 0), 0.0, fwd(1, 0)),
        ],
    );
    f.switch_source(source(VIDEO_B));
    assert!(f.cancel_pending(VIDEO_B));
    assert!(!f.cancel_pending(VIDEO_B));
}
