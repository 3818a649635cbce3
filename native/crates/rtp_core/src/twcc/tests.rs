use super::*;

/// A transport-wide feedback packet read back: base, per-packet arrival (in 250 µs ticks from
/// the reference time's start, `None` = not received), feedback count, padding ok.
struct Decoded {
    base: u16,
    arrivals: Vec<Option<i64>>,
    reference: u32,
    count: u8,
}

fn decode(p: &[u8]) -> Decoded {
    assert_eq!(p[0] & 0xc0, 0x80, "version 2");
    assert_eq!(p[0] & 0x1f, 15, "FMT 15");
    assert_eq!(p[1], 205, "RTPFB");
    let len = (usize::from(u16::from_be_bytes([p[2], p[3]])) + 1) * 4;
    assert_eq!(len, p.len(), "length field");
    let end = if p[0] & 0x20 != 0 {
        len - usize::from(p[len - 1])
    } else {
        len
    };
    let base = u16::from_be_bytes([p[12], p[13]]);
    let count = usize::from(u16::from_be_bytes([p[14], p[15]]));
    let reference = u32::from_be_bytes([0, p[16], p[17], p[18]]);
    let mut symbols = Vec::new();
    let mut at = 20;
    while symbols.len() < count {
        let chunk = u16::from_be_bytes([p[at], p[at + 1]]);
        at += 2;
        if chunk & 0x8000 == 0 {
            let symbol = ((chunk >> 13) & 0b11) as u8;
            symbols.extend(std::iter::repeat_n(symbol, usize::from(chunk & 0x1fff)));
        } else if chunk & 0x4000 != 0 {
            for k in 0..7 {
                symbols.push(((chunk >> (12 - 2 * k)) & 0b11) as u8);
            }
        } else {
            for k in 0..14 {
                symbols.push(((chunk >> (13 - k)) & 1) as u8);
            }
        }
    }
    symbols.truncate(count);
    let mut time = i64::from(reference) * 256;
    let mut arrivals = Vec::new();
    for s in symbols {
        match s {
            0 => arrivals.push(None),
            1 => {
                time += i64::from(p[at]);
                at += 1;
                arrivals.push(Some(time));
            }
            2 => {
                time += i64::from(i16::from_be_bytes([p[at], p[at + 1]]));
                at += 2;
                arrivals.push(Some(time));
            }
            _ => panic!("reserved symbol"),
        }
    }
    assert!(at <= end, "deltas run past the packet");
    assert!(end - at < 4, "only padding after the deltas");
    Decoded {
        base,
        arrivals,
        reference,
        count: p[19],
    }
}

/// A feedback a WebRTC receiver sent, as a packet capture shows it: nine packets, each with a
/// small delta (one run-length chunk), one byte of padding.
#[test]
fn writes_the_captured_feedback_byte_for_byte() {
    let expected: [u8; 32] = [
        0xaf, 0xcd, 0x00, 0x07, 0x00, 0x00, 0x00, 0x01, 0xdd, 0x58, 0x6e, 0xb6, 0x00, 0x01, 0x00,
        0x09, 0x5e, 0x91, 0x10, 0x00, 0x20, 0x09, 0x1c, 0x0c, 0x2c, 0x38, 0x00, 0x04, 0x00, 0x08,
        0x18, 0x01,
    ];
    let mut r = TwccRecorder::default();
    let mut ms = 6_197_520.0 * 64.0;
    for (seq, delta_ms) in (1u16..).zip([7.0, 3.0, 11.0, 14.0, 0.0, 1.0, 0.0, 2.0, 6.0]) {
        ms += delta_ms;
        r.record(seq, ms);
    }
    let mut out = [0u8; 1200];
    let n = r.write_feedback(1, 0xdd58_6eb6, &mut out).unwrap();
    assert_eq!(&out[..n], &expected);
    assert!(!r.has_pending());
    assert_eq!(r.write_feedback(1, 2, &mut out), None);
}

#[test]
fn loss_reordering_and_large_gaps_use_vector_chunks_and_two_byte_deltas() {
    let mut r = TwccRecorder::default();
    let t0 = 10_000.0;
    r.record(100, t0);
    r.record(101, t0 + 1.0);
    // 102 and 103 lost; 105 before 104; 106 after a 100 ms pause.
    r.record(105, t0 + 5.0);
    r.record(104, t0 + 4.75);
    r.record(106, t0 + 105.0);
    let mut out = [0u8; 1200];
    let n = r.write_feedback(7, 8, &mut out).unwrap();
    let d = decode(&out[..n]);
    assert_eq!(d.base, 100);
    let ticks = |ms: f64| (ms * 4.0) as i64;
    assert_eq!(
        d.arrivals,
        vec![
            Some(ticks(t0)),
            Some(ticks(t0 + 1.0)),
            None,
            None,
            Some(ticks(t0 + 4.75)),
            Some(ticks(t0 + 5.0)),
            Some(ticks(t0 + 105.0)),
        ]
    );
    assert_eq!(d.count, 0);
    assert_eq!(d.reference, (ticks(t0) / 256) as u32);
}

#[test]
fn the_next_feedback_continues_after_the_last_and_counts_up() {
    let mut r = TwccRecorder::default();
    let mut out = [0u8; 1200];
    r.record(65_534, 1000.0);
    r.record(65_535, 1001.0);
    let n = r.write_feedback(1, 2, &mut out).unwrap();
    let first = decode(&out[..n]);
    assert_eq!(
        (first.base, first.arrivals.len(), first.count),
        (65_534, 2, 0)
    );

    r.record(65_534, 1002.0); // a duplicate of a reported packet: ignored
    r.record(1, 1010.0); // across the wrap; 0 never arrives
    let n = r.write_feedback(1, 2, &mut out).unwrap();
    let second = decode(&out[..n]);
    assert_eq!(second.base, 0);
    assert_eq!(second.arrivals, vec![None, Some(4040)]);
    assert_eq!(second.count, 1);
}

#[test]
fn a_long_gap_is_not_reported_packet_by_packet() {
    let mut r = TwccRecorder::default();
    let mut out = [0u8; 1200];
    r.record(10, 1000.0);
    r.write_feedback(1, 2, &mut out).unwrap();
    r.record(5000, 9000.0);
    let n = r.write_feedback(1, 2, &mut out).unwrap();
    let d = decode(&out[..n]);
    assert_eq!((d.base, d.arrivals.clone()), (5000, vec![Some(36_000)]));
}

#[test]
fn many_packets_split_over_feedbacks_and_a_small_buffer_writes_nothing() {
    let mut r = TwccRecorder::default();
    for seq in 0..1000u16 {
        r.record(seq, 100.0 + f64::from(seq) * 0.5);
    }
    assert_eq!(r.write_feedback(1, 2, &mut [0u8; 16]), None);
    let mut out = [0u8; 1200];
    let mut reported = 0;
    while let Some(n) = r.write_feedback(1, 2, &mut out) {
        assert!(n <= 1200);
        let d = decode(&out[..n]);
        assert_eq!(usize::from(d.base), reported);
        assert!(d.arrivals.iter().all(Option::is_some));
        reported += d.arrivals.len();
    }
    assert_eq!(reported, 1000);
}

#[test]
fn mixed_symbols_make_a_two_bit_vector_chunk() {
    let chunks = |symbols: &[u8]| {
        let mut out = Vec::new();
        for_each_status_chunk(symbols, |c| out.push(c));
        out
    };
    assert_eq!(
        chunks(&[1, 0, 1, 2, 1, 1, 1]),
        vec![0b11_01_00_01_10_01_01_01]
    );
    assert_eq!(chunks(&[0; 8]), vec![8]);
    assert_eq!(chunks(&[1, 1]), vec![0b001 << 13 | 2]);
}
