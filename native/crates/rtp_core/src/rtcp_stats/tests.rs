use super::*;
use crate::rtcp::{iter, write_receiver_report, write_sender_report, RtcpPacket};

const VIDEO: u32 = 90_000;

/// Feeds `(seq, arrival_ms)` pairs of a 50 fps video stream whose timestamps follow seq exactly.
fn feed(stats: &mut ReceiveStats, script: &[(u16, f64)]) {
    for &(seq, at) in script {
        stats.on_packet(seq, u32::from(seq).wrapping_mul(1800), at, VIDEO);
    }
}

fn paced(seqs: impl IntoIterator<Item = u16>) -> Vec<(u16, f64)> {
    seqs.into_iter().map(|s| (s, f64::from(s) * 20.0)).collect()
}

#[test]
fn nothing_received_yields_an_empty_block() {
    let mut s = ReceiveStats::new();
    assert!(!s.has_received());
    assert_eq!(
        s.report_block(7, 1000.0),
        ReportBlock {
            ssrc: 7,
            ..ReportBlock::default()
        }
    );
}

#[test]
fn a_clean_paced_stream_has_no_loss_and_no_jitter() {
    let mut s = ReceiveStats::new();
    feed(&mut s, &paced(100..200));
    let b = s.report_block(0xABCD, 4000.0);
    assert_eq!(
        (
            b.ssrc,
            b.fraction_lost,
            b.cumulative_lost,
            b.highest_seq,
            b.jitter
        ),
        (0xABCD, 0, 0, 199, 0)
    );
    assert_eq!((b.lsr, b.dlsr), (0, 0));
    assert_eq!(s.received(), 100);
}

#[test]
fn loss_fraction_is_per_interval_and_cumulative_lost_is_not() {
    let mut s = ReceiveStats::new();
    feed(&mut s, &paced([0, 1, 2, 5, 6, 7, 8, 9])); // 3 and 4 lost
    let b = s.report_block(1, 0.0);
    assert_eq!(
        (b.fraction_lost, b.cumulative_lost, b.highest_seq),
        (51, 2, 9)
    ); // 2·256/10
    feed(&mut s, &paced(10..20));
    let b = s.report_block(1, 0.0);
    assert_eq!((b.fraction_lost, b.cumulative_lost), (0, 2));
    feed(&mut s, &paced([20, 23])); // 2 of 4 expected lost in this interval
    let b = s.report_block(1, 0.0);
    assert_eq!(
        (b.fraction_lost, b.cumulative_lost, b.highest_seq),
        (128, 4, 23)
    );
    // A late arrival of 21 after the report: the next interval "received more than expected".
    feed(&mut s, &paced([21]));
    let b = s.report_block(1, 0.0);
    assert_eq!((b.fraction_lost, b.cumulative_lost), (0, 3));
}

#[test]
fn everything_lost_in_an_interval_reports_255() {
    let mut s = ReceiveStats::new();
    feed(&mut s, &paced([0]));
    s.report_block(1, 0.0);
    // Only the very last of 101 expected arrives: fraction 100/101·256 = 253.
    feed(&mut s, &paced([101]));
    assert_eq!(s.report_block(1, 0.0).fraction_lost, 253);
}

#[test]
fn extended_sequence_numbers_cross_the_wrap() {
    let mut s = ReceiveStats::new();
    let seqs: Vec<u16> = (0..12u16).map(|i| 65530u16.wrapping_add(i)).collect();
    feed(&mut s, &paced(seqs));
    let b = s.report_block(1, 0.0);
    assert_eq!((b.highest_seq, b.cumulative_lost), (0x1_0005, 0));
    // A reordered packet from before the wrap does not undo it.
    feed(&mut s, &paced([65535, 6]));
    assert_eq!(s.extended_highest_seq(), 0x1_0006);
}

#[test]
fn duplicates_and_reordering() {
    let mut s = ReceiveStats::new();
    feed(&mut s, &paced([1, 3, 2, 2, 4]));
    let b = s.report_block(1, 0.0);
    // Expected 4, received 5: RFC 3550 A.3 lets cumulative loss go negative.
    assert_eq!(
        (b.highest_seq, b.cumulative_lost, b.fraction_lost),
        (4, -1, 0)
    );
}

#[test]
fn one_wild_sequence_number_is_ignored_but_two_in_a_row_restart() {
    let mut s = ReceiveStats::new();
    feed(&mut s, &paced([10, 11, 12]));
    feed(&mut s, &paced([40_000])); // a stray packet: not counted
    feed(&mut s, &paced([13, 14]));
    let b = s.report_block(1, 0.0);
    assert_eq!((b.highest_seq, b.cumulative_lost, s.received()), (14, 0, 5));
    // The sender restarted its sequence numbers: 20000, 20001 → tracking starts over at 20000.
    feed(&mut s, &paced([20_000, 20_001, 20_002]));
    let b = s.report_block(1, 0.0);
    assert_eq!(
        (b.highest_seq, b.cumulative_lost, s.received()),
        (20_002, 0, 2)
    );
}

#[test]
fn jitter_follows_the_rfc_3550_estimator() {
    let mut s = ReceiveStats::new();
    // 20 ms pacing; every odd packet arrives 5 ms late, so |D| = 5 ms = 450 ticks every time.
    let script: Vec<(u16, f64)> = (0..200u16)
        .map(|i| (i, f64::from(i) * 20.0 + if i % 2 == 1 { 5.0 } else { 0.0 }))
        .collect();
    feed(&mut s, &script[..2]);
    assert_eq!(s.jitter(), 450.0 / 16.0);
    assert_eq!(s.report_block(1, 0.0).jitter, 28);
    feed(&mut s, &script[2..]);
    // J_n = 450 · (1 − (15/16)^n) with n = 199 differences.
    let expected = 450.0 * (1.0 - (15.0f64 / 16.0).powi(199));
    assert!(
        (s.jitter() - expected).abs() < 1e-6,
        "{} vs {expected}",
        s.jitter()
    );
    assert_eq!(s.report_block(1, 0.0).jitter, 449);
}

#[test]
fn jitter_survives_timestamp_wrap_and_odd_inputs() {
    let mut s = ReceiveStats::new();
    for i in 0..50u32 {
        let ts = (u32::MAX - 10 * 960).wrapping_add(i * 960); // 48 kHz, 20 ms
        s.on_packet(i as u16, ts, f64::from(i) * 20.0, 48_000);
    }
    assert_eq!(s.report_block(1, 0.0).jitter, 0);
    // Clock rate 0, NaN and infinite times do not panic or poison the estimate.
    s.on_packet(50, 0, f64::NAN, 0);
    s.on_packet(51, 0, f64::INFINITY, 48_000);
    s.on_packet(52, 0, -1e300, 48_000);
    assert!(s.jitter().is_finite());
}

#[test]
fn lsr_and_dlsr_come_from_the_last_sender_report() {
    let mut s = ReceiveStats::new();
    s.on_sender_report(0xE94E_6E20_8000_0000, 1000.0);
    let b = s.report_block(5, 1500.0); // nothing received yet, LSR/DLSR still useful for RTT
    assert_eq!((b.lsr, b.dlsr), (0x6E20_8000, 32_768));
    feed(&mut s, &paced(0..5));
    let b = s.report_block(5, 3000.0);
    assert_eq!((b.lsr, b.dlsr), (0x6E20_8000, 131_072));
    s.on_sender_report(0xE94E_6E25_0000_0000, 3100.0);
    assert_eq!(s.report_block(5, 3100.0).lsr, 0x6E25_0000);
    assert_eq!(s.report_block(5, 3000.0).dlsr, 0); // clock went backwards: 0, not garbage
}

#[test]
fn send_stats_fill_a_sender_report() {
    let mut s = SendStats::new();
    assert_eq!(s.sender_report(1, 0.0, 1, VIDEO), None);
    s.on_packet(1000, 100, 0.0);
    s.on_packet(2800, 200, 20.0);
    s.on_packet(1000, 100, 25.0); // retransmission of an older frame: anchor stays at 2800/20 ms
    let sr = s
        .sender_report(0x42, 70.0, 0x1234_5678_9ABC_DEF0, VIDEO)
        .unwrap();
    assert_eq!(
        sr,
        SenderReportFields {
            ssrc: 0x42,
            ntp: 0x1234_5678_9ABC_DEF0,
            rtp_ts: 2800 + 50 * 90,
            packet_count: 3,
            octet_count: 400,
        }
    );
}

#[test]
fn send_stats_wrap_timestamps_and_counters() {
    let mut s = SendStats::new();
    s.on_packet(u32::MAX - 100, usize::MAX, 0.0);
    s.on_packet((u32::MAX - 100).wrapping_add(960), 1, 20.0); // wraps to 859: still newer
    let sr = s.sender_report(1, 40.0, 0, 48_000).unwrap();
    assert_eq!(sr.rtp_ts, 859 + 960);
    assert_eq!((sr.packet_count, sr.octet_count), (2, 0)); // u32::MAX + 1 octets wrap to 0
}

#[test]
fn ntp_conversions() {
    assert_eq!(ntp_from_unix_ms(0.0), NTP_UNIX_OFFSET_SECS << 32);
    assert_eq!(
        ntp_from_unix_ms(1500.0),
        (NTP_UNIX_OFFSET_SECS + 1) << 32 | 0x8000_0000
    );
    assert_eq!(ntp_from_unix_ms(-1e15), 0);
    assert_eq!(ntp_from_unix_ms(f64::NAN), 0);
    let t = 1_767_225_600_123.0; // 2026-01-01T00:00:00.123Z
    assert!((ntp_to_unix_ms(ntp_from_unix_ms(t)) - t).abs() < 0.001);
    assert_eq!(compact_ntp(0x1122_3344_5566_7788), 0x3344_5566);
    let now = ntp_to_unix_ms(ntp_now());
    assert!(now > t, "system clock before 2026? {now}");
}

#[test]
fn round_trip_time_from_a_report_block() {
    let sent = ntp_from_unix_ms(1_000_000.0);
    let block = ReportBlock {
        lsr: compact_ntp(sent),
        dlsr: 65_536, // the receiver held it 1 s
        ..ReportBlock::default()
    };
    let rtt = round_trip_ms(&block, ntp_from_unix_ms(1_001_250.0)).unwrap();
    assert!((rtt - 250.0).abs() < 0.05, "{rtt}");
    assert_eq!(
        round_trip_ms(&block, ntp_from_unix_ms(1_000_500.0)),
        Some(0.0)
    );
    assert_eq!(round_trip_ms(&ReportBlock::default(), sent), None);
}

#[test]
fn stats_feed_the_writers() {
    let mut rx = ReceiveStats::new();
    feed(&mut rx, &paced([0, 1, 3]));
    rx.on_sender_report(ntp_from_unix_ms(5000.0), 10.0);
    let mut tx = SendStats::new();
    tx.on_packet(90_000, 1000, 0.0);
    let fields = tx
        .sender_report(9, 1000.0, ntp_from_unix_ms(6000.0), VIDEO)
        .unwrap();
    let blocks = [rx.report_block(0x77, 510.0)];
    let mut buf = [0u8; 128];
    let mut n = write_sender_report(&mut buf, &fields, &blocks).unwrap();
    n += write_receiver_report(&mut buf[n..], 9, &blocks).unwrap();
    let packets: Vec<_> = iter(&buf[..n]).map(Result::unwrap).collect();
    let [RtcpPacket::SenderReport(sr), RtcpPacket::ReceiverReport(rr)] = packets.as_slice() else {
        panic!("{packets:?}");
    };
    assert_eq!(sr.fields(), fields);
    assert_eq!(sr.rtp_ts(), 180_000);
    let got = rr.report_blocks().next().unwrap();
    assert_eq!(got, blocks[0]);
    assert_eq!(
        (got.cumulative_lost, got.fraction_lost, got.dlsr),
        (1, 64, 32_768)
    );
}
