use super::*;
use crate::test_util::XorShift;

/// A Chrome-style receiver compound, laid out by hand from the RFCs:
/// RR (RFC 3550 §6.4.2) from SSRC 1 with one block, SDES CNAME (§6.5), REMB 1.5 Mbps
/// (draft-alvestrand-rmcat-remb-03 §2.2), Generic NACK PID 0x0F30 BLP 0x0005 (RFC 4585 §6.2.1).
#[rustfmt::skip]
const CHROME_COMPOUND: [u8; 100] = [
    // RR: V=2 RC=1, PT=201, length 7
    0x81, 0xC9, 0x00, 0x07,
    0x00, 0x00, 0x00, 0x01,             // sender SSRC
    0x2A, 0x7B, 0x3C, 0x4D,             // source SSRC
    0x05, 0x00, 0x00, 0x12,             // fraction 5/256, cumulative 18
    0x00, 0x01, 0x0F, 0x3A,             // extended highest seq: 1 cycle, 0x0F3A
    0x00, 0x00, 0x00, 0x23,             // jitter 35
    0xD2, 0xE4, 0x1A, 0x2B,             // LSR
    0x00, 0x00, 0x80, 0x00,             // DLSR 0.5 s
    // SDES: V=2 SC=1, PT=202, length 6; CNAME (1) of 16 bytes, END, 1 byte of chunk padding
    0x81, 0xCA, 0x00, 0x06,
    0x00, 0x00, 0x00, 0x01,
    0x01, 0x10, b'a', b'b', b'c', b'd', b'e', b'f', b'g', b'h',
    b'i', b'j', b'k', b'l', b'm', b'n', b'o', b'p', 0x00, 0x00,
    // REMB: V=2 FMT=15, PT=206, length 5
    0x8F, 0xCE, 0x00, 0x05,
    0x00, 0x00, 0x00, 0x01,             // sender SSRC
    0x00, 0x00, 0x00, 0x00,             // media SSRC (unused)
    b'R', b'E', b'M', b'B',
    0x01, 0x0E, 0xDC, 0x6C,             // 1 SSRC; exp 3, mantissa 0x2DC6C = 187500 → 1 500 000
    0x2A, 0x7B, 0x3C, 0x4D,
    // NACK: V=2 FMT=1, PT=205, length 3
    0x81, 0xCD, 0x00, 0x03,
    0x00, 0x00, 0x00, 0x01,
    0x2A, 0x7B, 0x3C, 0x4D,
    0x0F, 0x30, 0x00, 0x05,             // PID 0x0F30, BLP bits 0 and 2
];

/// SR from SSRC 0x2A7B3C4D with one report block about SSRC 0x0BADCAFE.
#[rustfmt::skip]
const SENDER_REPORT: [u8; 52] = [
    0x81, 0xC8, 0x00, 0x0C,             // V=2 RC=1, PT=200, length 12
    0x2A, 0x7B, 0x3C, 0x4D,
    0xE9, 0x4E, 0x6E, 0x20,             // NTP seconds
    0x80, 0x00, 0x00, 0x00,             // NTP fraction: 0.5 s
    0x00, 0x12, 0xD6, 0x87,             // RTP ts 1234567
    0x00, 0x00, 0x03, 0xE8,             // 1000 packets
    0x00, 0x0F, 0x42, 0x40,             // 1 000 000 octets
    0x0B, 0xAD, 0xCA, 0xFE,
    0xFF, 0xFF, 0xFF, 0xFE,             // fraction 255, cumulative −2 (duplicates)
    0x00, 0x00, 0x12, 0x34,
    0x00, 0x00, 0x01, 0x00,
    0x6E, 0x20, 0x80, 0x00,             // LSR = middle 32 bits of the NTP above
    0x00, 0x01, 0x00, 0x00,             // DLSR 1 s
];

/// PLI, FIR and a TWCC feedback with P set (3 padding bytes), as libwebrtc sends them.
#[rustfmt::skip]
const FEEDBACK: [u8; 60] = [
    0x81, 0xCE, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x2A, 0x7B, 0x3C, 0x4D, // PLI
    0x84, 0xCE, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, // FIR head
    0x2A, 0x7B, 0x3C, 0x4D, 0x07, 0x00, 0x00, 0x00,                         // entry: seq 7
    0xAF, 0xCD, 0x00, 0x06, 0x00, 0x00, 0x00, 0x01, 0x2A, 0x7B, 0x3C, 0x4D, // TWCC head, P=1
    0x00, 0x01, 0x00, 0x03,             // base seq 1, 3 packets
    0x00, 0x00, 0x10, 0x00,             // reference time, feedback count 0
    0x20, 0x03, 0x04, 0x04, 0x04,       // run-length chunk: 3 × small delta; deltas
    0x00, 0x00, 0x03,                   // padding, count 3
];

fn all(buf: &[u8]) -> Vec<Result<RtcpPacket<'_>, RtcpError>> {
    iter(buf).collect()
}

fn block(ssrc: u32) -> ReportBlock {
    ReportBlock {
        ssrc,
        fraction_lost: 5,
        cumulative_lost: 18,
        highest_seq: 0x0001_0F3A,
        jitter: 35,
        lsr: 0xD2E4_1A2B,
        dlsr: 0x8000,
    }
}

#[test]
fn reads_a_chrome_style_compound() {
    let packets = all(&CHROME_COMPOUND);
    assert_eq!(packets.len(), 4);
    let Ok(RtcpPacket::ReceiverReport(rr)) = &packets[0] else {
        panic!("RR expected: {:?}", packets[0]);
    };
    assert_eq!(rr.ssrc(), 1);
    assert_eq!(rr.report_blocks().collect::<Vec<_>>(), [block(0x2A7B_3C4D)]);
    assert_eq!(packets[1], Ok(RtcpPacket::SourceDescription));
    let Ok(RtcpPacket::Remb {
        sender_ssrc,
        bitrate_bps,
        ssrcs,
    }) = packets[2].clone()
    else {
        panic!("REMB expected: {:?}", packets[2]);
    };
    assert_eq!((sender_ssrc, bitrate_bps), (1, 1_500_000));
    assert_eq!(ssrcs.collect::<Vec<_>>(), [0x2A7B_3C4D]);
    let Ok(RtcpPacket::Nack {
        sender_ssrc,
        media_ssrc,
        pairs,
    }) = packets[3].clone()
    else {
        panic!("NACK expected: {:?}", packets[3]);
    };
    assert_eq!((sender_ssrc, media_ssrc), (1, 0x2A7B_3C4D));
    assert_eq!(pairs.raw().collect::<Vec<_>>(), [(0x0F30, 0x0005)]);
    assert_eq!(pairs.collect::<Vec<_>>(), [0x0F30, 0x0F31, 0x0F33]);
}

#[test]
fn writers_reproduce_the_chrome_compound_byte_for_byte() {
    let mut buf = [0u8; 100];
    let mut n = write_receiver_report(&mut buf, 1, &[block(0x2A7B_3C4D)]).unwrap();
    assert_eq!(n, 32);
    n += 28; // SDES is not ours to write; copy it
    buf[32..60].copy_from_slice(&CHROME_COMPOUND[32..60]);
    n += write_remb(&mut buf[n..], 1, 1_500_000, &[0x2A7B_3C4D]).unwrap();
    n += write_nack(&mut buf[n..], 1, 0x2A7B_3C4D, &[0x0F30, 0x0F31, 0x0F33]).unwrap();
    assert_eq!(n, 100);
    assert_eq!(buf, CHROME_COMPOUND);
}

#[test]
fn reads_and_writes_a_sender_report() {
    let packets = all(&SENDER_REPORT);
    let [Ok(RtcpPacket::SenderReport(sr))] = packets.as_slice() else {
        panic!("one SR expected: {packets:?}");
    };
    let fields = SenderReportFields {
        ssrc: 0x2A7B_3C4D,
        ntp: 0xE94E_6E20_8000_0000,
        rtp_ts: 1_234_567,
        packet_count: 1000,
        octet_count: 1_000_000,
    };
    assert_eq!(sr.fields(), fields);
    let blocks: Vec<_> = sr.report_blocks().collect();
    let expected = ReportBlock {
        ssrc: 0x0BAD_CAFE,
        fraction_lost: 255,
        cumulative_lost: -2,
        highest_seq: 0x1234,
        jitter: 256,
        lsr: 0x6E20_8000,
        dlsr: 0x1_0000,
    };
    assert_eq!(blocks, [expected]);
    let mut out = [0u8; 64];
    let n = write_sender_report(&mut out, &fields, &blocks).unwrap();
    assert_eq!(&out[..n], &SENDER_REPORT);
}

#[test]
fn reads_pli_fir_and_padded_twcc() {
    let packets = all(&FEEDBACK);
    assert_eq!(packets.len(), 3);
    assert_eq!(
        packets[0],
        Ok(RtcpPacket::Pli {
            sender_ssrc: 1,
            media_ssrc: 0x2A7B_3C4D
        })
    );
    let Ok(RtcpPacket::Fir {
        sender_ssrc,
        entries,
    }) = packets[1].clone()
    else {
        panic!("FIR expected: {:?}", packets[1]);
    };
    assert_eq!(sender_ssrc, 1);
    assert_eq!(entries.collect::<Vec<_>>(), [(0x2A7B_3C4D, 7)]);
    assert_eq!(
        packets[2],
        Ok(RtcpPacket::TransportCc {
            sender_ssrc: 1,
            media_ssrc: 0x2A7B_3C4D
        })
    );

    let mut out = [0u8; 32];
    assert_eq!(write_pli(&mut out, 1, 0x2A7B_3C4D), Ok(12));
    assert_eq!(out[..12], FEEDBACK[..12]);
    assert_eq!(write_fir(&mut out, 1, 0x2A7B_3C4D, 7), Ok(20));
    assert_eq!(out[..20], FEEDBACK[12..32]);
}

#[test]
fn recognises_sdes_bye_and_other_types() {
    #[rustfmt::skip]
    let buf = [
        0x81, 0xCB, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,             // BYE, 1 SSRC
        0x80, 0xCC, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, b't', b'e', b's', b't', // APP
        0x80, 0xCF, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,             // XR, no blocks
        0x83, 0xCE, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, // PSFB FMT 3
        0x8F, 0xCE, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
        b'X', b'Y', b'Z', b'W',                                     // AFB, not REMB
        0x83, 0xCD, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, // TMMBR
    ];
    let packets: Vec<_> = all(&buf).into_iter().map(Result::unwrap).collect();
    assert_eq!(
        packets,
        [
            RtcpPacket::Bye,
            RtcpPacket::Other { packet_type: 204 },
            RtcpPacket::Other { packet_type: 207 },
            RtcpPacket::Other { packet_type: 206 },
            RtcpPacket::Other { packet_type: 206 },
            RtcpPacket::Other { packet_type: 205 },
        ]
    );
}

#[test]
fn round_trips_every_writer() {
    let mut buf = [0u8; 2048];
    let blocks: Vec<_> = (0..31).map(|i| block(1000 + i)).collect();
    let sr = SenderReportFields {
        ssrc: 9,
        ntp: u64::MAX,
        rtp_ts: u32::MAX,
        packet_count: 7,
        octet_count: 8,
    };
    let mut n = write_sender_report(&mut buf, &sr, &blocks).unwrap();
    n += write_receiver_report(&mut buf[n..], 10, &[]).unwrap();
    n += write_receiver_report(&mut buf[n..], 11, &blocks[..2]).unwrap();
    n += write_pli(&mut buf[n..], 12, 13).unwrap();
    n += write_fir(&mut buf[n..], 14, 15, 255).unwrap();
    let lost = [65530u16, 65535, 0, 3, 100, 116, 117, 5];
    n += write_nack(&mut buf[n..], 16, 17, &lost).unwrap();
    let remb_ssrcs: Vec<u32> = (0..255).collect();
    n += write_remb(&mut buf[n..], 18, 123_456_789, &remb_ssrcs).unwrap();
    n += write_remb(&mut buf[n..], 19, 150_000, &[]).unwrap();

    let mut packets = iter(&buf[..n]).map(Result::unwrap);
    let Some(RtcpPacket::SenderReport(got)) = packets.next() else {
        panic!("SR");
    };
    assert_eq!(got.fields(), sr);
    assert_eq!(got.report_blocks().collect::<Vec<_>>(), blocks);
    let Some(RtcpPacket::ReceiverReport(rr)) = packets.next() else {
        panic!("RR");
    };
    assert_eq!((rr.ssrc(), rr.report_blocks().len()), (10, 0));
    let Some(RtcpPacket::ReceiverReport(rr)) = packets.next() else {
        panic!("RR");
    };
    assert_eq!(rr.report_blocks().collect::<Vec<_>>(), blocks[..2]);
    assert_eq!(
        packets.next(),
        Some(RtcpPacket::Pli {
            sender_ssrc: 12,
            media_ssrc: 13
        })
    );
    let Some(RtcpPacket::Fir { entries, .. }) = packets.next() else {
        panic!("FIR");
    };
    assert_eq!(entries.collect::<Vec<_>>(), [(15, 255)]);
    let Some(RtcpPacket::Nack { pairs, .. }) = packets.next() else {
        panic!("NACK");
    };
    // 65530 starts a pair that 65535, 0 and 3 join across the wrap; 100 and 116 share one,
    // 117 is 17 after 100 and 5 is behind it, so each starts its own.
    assert_eq!(
        pairs.raw().collect::<Vec<_>>(),
        [
            (65530, 1 << 4 | 1 << 5 | 1 << 8),
            (100, 1 << 15),
            (117, 0),
            (5, 0)
        ]
    );
    assert_eq!(pairs.collect::<Vec<_>>(), lost);
    let Some(RtcpPacket::Remb {
        bitrate_bps, ssrcs, ..
    }) = packets.next()
    else {
        panic!("REMB");
    };
    // 123 456 789 needs exponent 9: mantissa 241 126, so 241 126 · 512 = 123 456 512.
    assert_eq!(bitrate_bps, 123_456_512);
    assert_eq!(ssrcs.collect::<Vec<_>>(), remb_ssrcs);
    let Some(RtcpPacket::Remb {
        bitrate_bps, ssrcs, ..
    }) = packets.next()
    else {
        panic!("REMB");
    };
    assert_eq!((bitrate_bps, ssrcs.len()), (150_000, 0));
    assert_eq!(packets.next(), None);
}

#[test]
fn remb_bitrate_encoding_extremes() {
    let mut buf = [0u8; 24];
    for (bps, expected) in [
        (0u64, 0u64),
        ((1 << 18) - 1, (1 << 18) - 1),
        (1 << 18, 1 << 18),
        ((1 << 18) + 1, 1 << 18), // rounds down
        (u64::MAX, ((1 << 18) - 1) << 46),
    ] {
        write_remb(&mut buf, 1, bps, &[2]).unwrap();
        let Some(Ok(RtcpPacket::Remb { bitrate_bps, .. })) = iter(&buf).next() else {
            panic!("REMB");
        };
        assert_eq!(bitrate_bps, expected, "{bps}");
    }
    // Exponent 63 with a full mantissa is more than u64 holds: saturates.
    buf[17] = 63 << 2 | 0x03;
    buf[18..20].copy_from_slice(&[0xFF, 0xFF]);
    let Some(Ok(RtcpPacket::Remb { bitrate_bps, .. })) = iter(&buf).next() else {
        panic!("REMB");
    };
    assert_eq!(bitrate_bps, u64::MAX);
}

#[test]
fn nack_packing_edge_cases() {
    let mut buf = [0u8; 64];
    let n = write_nack(&mut buf, 1, 2, &[7, 7, 7, 23, 24]).unwrap();
    let Some(Ok(RtcpPacket::Nack { pairs, .. })) = iter(&buf[..n]).next() else {
        panic!("NACK");
    };
    assert_eq!(pairs.raw().collect::<Vec<_>>(), [(7, 1 << 15), (24, 0)]);
    assert_eq!(pairs.collect::<Vec<_>>(), [7, 23, 24]);
    // A full BLP: 17 consecutive numbers in one entry.
    let run: Vec<u16> = (1000..1017).collect();
    let n = write_nack(&mut buf, 1, 2, &run).unwrap();
    assert_eq!((n, &buf[12..16]), (16, &[0x03, 0xE8, 0xFF, 0xFF][..]));
    assert_eq!(
        write_nack(&mut buf, 1, 2, &[]),
        Err(RtcpError::Empty {
            what: "lost sequence numbers"
        })
    );
}

#[test]
fn writers_check_space_and_limits_before_writing() {
    let mut small = [0xAAu8; 11];
    assert_eq!(
        write_pli(&mut small, 1, 2),
        Err(RtcpError::BufferTooSmall {
            needed: 12,
            available: 11
        })
    );
    assert_eq!(small, [0xAA; 11]);
    let mut buf = [0u8; 19];
    assert!(write_fir(&mut buf, 1, 2, 3).is_err());
    assert!(write_remb(&mut buf, 1, 2, &[]).is_err());
    assert!(write_nack(&mut buf[..15], 1, 2, &[1]).is_err());
    assert!(write_receiver_report(&mut buf, 1, &[block(1)]).is_err());
    assert!(write_sender_report(&mut buf, &SenderReportFields::default(), &[]).is_err());
    let mut big = [0u8; 4096];
    let blocks = [block(1); 32];
    assert_eq!(
        write_receiver_report(&mut big, 1, &blocks),
        Err(RtcpError::TooMany {
            what: "report blocks",
            count: 32,
            max: 31
        })
    );
    assert!(write_sender_report(&mut big, &SenderReportFields::default(), &blocks).is_err());
    assert!(matches!(
        write_remb(&mut big, 1, 2, &[0; 256]),
        Err(RtcpError::TooMany { count: 256, .. })
    ));
}

#[test]
fn cumulative_lost_is_clamped_to_24_signed_bits() {
    let mut buf = [0u8; 32];
    for (value, wire) in [
        (i32::MAX, 0x7F_FFFF),
        (0x80_0000, 0x7F_FFFF),
        (-1, -1),
        (i32::MIN, -0x80_0000),
    ] {
        let b = ReportBlock {
            cumulative_lost: value,
            ..block(1)
        };
        write_receiver_report(&mut buf, 1, &[b]).unwrap();
        let Some(Ok(RtcpPacket::ReceiverReport(rr))) = iter(&buf).next() else {
            panic!("RR");
        };
        let got = rr.report_blocks().next().unwrap();
        assert_eq!(got.cumulative_lost, wire);
        assert_eq!(got.fraction_lost, 5); // the clamp does not bleed into the fraction byte
    }
}

#[test]
fn a_bad_packet_in_the_middle_does_not_hide_the_rest() {
    let mut buf = CHROME_COMPOUND.to_vec();
    buf[0] = 0x82; // RR claims 2 blocks in a 32-byte packet
    let packets = all(&buf);
    assert_eq!(packets.len(), 4);
    assert_eq!(packets[0], Err(RtcpError::Truncated { packet_type: 201 }));
    assert!(matches!(packets[2], Ok(RtcpPacket::Remb { .. })));

    let mut buf = CHROME_COMPOUND.to_vec();
    buf[60 + 16] = 2; // REMB (at 60) claims 2 SSRCs, has 1
    let packets = all(&buf);
    assert_eq!(packets[2], Err(RtcpError::Truncated { packet_type: 206 }));
    assert!(matches!(packets[3], Ok(RtcpPacket::Nack { .. })));

    let mut buf = CHROME_COMPOUND.to_vec();
    buf[32] |= 0x20; // SDES with P set and a last byte of 0
    assert_eq!(
        all(&buf)[1],
        Err(RtcpError::BadPadding { packet_type: 202 })
    );
    assert_eq!(all(&buf).len(), 4);

    // A feedback packet shorter than its 8-byte head.
    let short_pli = [0x81, 0xCE, 0x00, 0x01, 0, 0, 0, 1];
    assert_eq!(
        all(&short_pli),
        [Err(RtcpError::Truncated { packet_type: 206 })]
    );
}

#[test]
fn header_errors_end_the_iteration() {
    assert_eq!(all(&[]), []);
    assert_eq!(
        all(&CHROME_COMPOUND[..3]),
        [Err(RtcpError::TooShort { len: 3 })]
    );
    let mut buf = CHROME_COMPOUND;
    buf[32] = 0x41; // version 1 in the second packet
    let packets = all(&buf);
    assert_eq!(packets.len(), 2);
    assert_eq!(packets[1], Err(RtcpError::BadVersion(1)));
    let packets = all(&CHROME_COMPOUND[..99]);
    assert_eq!(packets.len(), 4);
    assert_eq!(
        packets[3],
        Err(RtcpError::LengthOverrun {
            packet_type: 205,
            declared: 16,
            available: 15
        })
    );
    // Trailing bytes too few for a header.
    let mut buf = CHROME_COMPOUND.to_vec();
    buf.extend_from_slice(&[0x80, 0xC8]);
    assert_eq!(all(&buf)[4], Err(RtcpError::TooShort { len: 2 }));
}

#[test]
fn never_panics_on_mutated_and_random_input() {
    let mut rng = XorShift::new(0xC0FF_EE00);
    let seeds = [
        CHROME_COMPOUND.to_vec(),
        SENDER_REPORT.to_vec(),
        FEEDBACK.to_vec(),
    ];
    let mut ok = 0usize;
    for round in 0..30_000 {
        let mut buf = seeds[round % 3].clone();
        for _ in 0..=rng.below(4) {
            let at = rng.below(buf.len() as u64) as usize;
            buf[at] = rng.next_u64() as u8;
        }
        buf.truncate(rng.below(buf.len() as u64 + 1) as usize);
        for packet in iter(&buf) {
            match packet {
                Ok(RtcpPacket::SenderReport(sr)) => {
                    ok += 1;
                    let _ = (sr.fields(), sr.report_blocks().count());
                }
                Ok(RtcpPacket::ReceiverReport(rr)) => ok += rr.report_blocks().count() + 1,
                Ok(RtcpPacket::Nack { pairs, .. }) => ok += pairs.count(),
                Ok(RtcpPacket::Fir { entries, .. }) => ok += entries.count(),
                Ok(RtcpPacket::Remb { ssrcs, .. }) => ok += ssrcs.count(),
                Ok(_) => ok += 1,
                Err(_) => {}
            }
        }
    }
    assert!(ok > 10_000, "too few packets survived mutation: {ok}");
}
