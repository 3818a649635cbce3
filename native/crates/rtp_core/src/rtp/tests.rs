use super::*;
use crate::test_util::PacketBuilder;

#[test]
fn parses_fixed_header_fields() {
    let bytes = PacketBuilder::new()
        .pt(111)
        .seq(0xBEEF)
        .ts(0x0102_0304)
        .ssrc(0xDEAD_BEEF)
        .marker(true)
        .payload(&[1, 2, 3])
        .build();
    let p = RtpPacket::parse(&bytes).unwrap();
    assert_eq!(p.version(), 2);
    assert_eq!(p.payload_type(), 111);
    assert!(p.marker());
    assert_eq!(p.sequence_number(), 0xBEEF);
    assert_eq!(p.timestamp(), 0x0102_0304);
    assert_eq!(p.ssrc(), 0xDEAD_BEEF);
    assert_eq!(p.csrc_count(), 0);
    assert!(!p.has_extension());
    assert!(!p.has_padding());
    assert_eq!(p.header_len(), 12);
    assert_eq!(p.payload(), &[1, 2, 3]);
    assert!(p.padding().is_empty());
}

#[test]
fn parses_csrcs() {
    let bytes = PacketBuilder::new()
        .csrc(1)
        .csrc(0xFFFF_FFFE)
        .payload(&[9])
        .build();
    let p = RtpPacket::parse(&bytes).unwrap();
    assert_eq!(p.csrc_count(), 2);
    assert_eq!(p.csrcs().collect::<Vec<_>>(), vec![1, 0xFFFF_FFFE]);
    assert_eq!(p.header_len(), 20);
    assert_eq!(p.payload(), &[9]);
}

#[test]
fn strips_padding_from_payload() {
    let bytes = PacketBuilder::new().payload(&[7, 7, 7]).padding(4).build();
    let p = RtpPacket::parse(&bytes).unwrap();
    assert!(p.has_padding());
    assert_eq!(p.payload(), &[7, 7, 7]);
    assert_eq!(p.padding(), &[0, 0, 0, 4]);
}

#[test]
fn padding_only_packet_has_empty_payload() {
    let bytes = PacketBuilder::new().padding(8).build();
    let p = RtpPacket::parse(&bytes).unwrap();
    assert!(p.payload().is_empty());
    assert_eq!(p.padding().len(), 8);
}

#[test]
fn one_byte_extensions() {
    let bytes = PacketBuilder::new()
        .one_byte_ext(&[(1, &[0xAA]), (3, &[1, 2, 3]), (14, &[0; 16])])
        .payload(&[5])
        .build();
    let p = RtpPacket::parse(&bytes).unwrap();
    assert_eq!(p.extension_profile(), Some(0xBEDE));
    assert_eq!(p.extension_form(), Some(ExtensionForm::OneByte));
    let ids: Vec<_> = p.extensions().map(|e| (e.id, e.data.len())).collect();
    assert_eq!(ids, vec![(1, 1), (3, 3), (14, 16)]);
    assert_eq!(p.extension(3), Some(&[1u8, 2, 3][..]));
    assert_eq!(p.extension(2), None);
    assert_eq!(p.payload(), &[5]);
}

#[test]
fn one_byte_padding_between_elements_and_id_15_stops() {
    // element 1 (1 byte), two padding bytes, element 2 (2 bytes), then id 15 and junk.
    let block = [
        0x10, 0xAA, 0x00, 0x00, 0x21, 0xBB, 0xCC, 0xF0, 0x55, 0x00, 0x00, 0x00,
    ];
    let bytes = PacketBuilder::new()
        .raw_ext(ONE_BYTE_PROFILE, &block)
        .payload(&[1])
        .build();
    let p = RtpPacket::parse(&bytes).unwrap();
    let got: Vec<_> = p.extensions().map(|e| (e.id, e.data.to_vec())).collect();
    assert_eq!(got, vec![(1, vec![0xAA]), (2, vec![0xBB, 0xCC])]);
}

#[test]
fn one_byte_id_0_with_length_is_skipped() {
    // id 0 len 2 (reserved), then id 1 len 1
    let block = [0x01, 0xEE, 0xEE, 0x10, 0xAA, 0, 0, 0];
    let bytes = PacketBuilder::new()
        .raw_ext(ONE_BYTE_PROFILE, &block)
        .build();
    let p = RtpPacket::parse(&bytes).unwrap();
    let got: Vec<_> = p.extensions().map(|e| (e.id, e.data.to_vec())).collect();
    assert_eq!(got, vec![(1, vec![0xAA])]);
}

#[test]
fn two_byte_extensions_allow_zero_length_and_big_ids() {
    let bytes = PacketBuilder::new()
        .two_byte_ext(&[(1, &[]), (200, &[9; 20]), (15, &[1])])
        .payload(&[5])
        .build();
    let p = RtpPacket::parse(&bytes).unwrap();
    assert_eq!(p.extension_form(), Some(ExtensionForm::TwoByte));
    let got: Vec<_> = p.extensions().map(|e| (e.id, e.data.len())).collect();
    assert_eq!(got, vec![(1, 0), (200, 20), (15, 1)]);
}

#[test]
fn two_byte_profile_appbits_are_accepted() {
    let bytes = PacketBuilder::new()
        .raw_ext(0x100F, &[4, 1, 0x77, 0])
        .build();
    let p = RtpPacket::parse(&bytes).unwrap();
    assert_eq!(p.extension_form(), Some(ExtensionForm::TwoByte));
    assert_eq!(p.extension(4), Some(&[0x77u8][..]));
}

#[test]
fn opaque_extension_profile_is_kept_but_not_iterated() {
    let bytes = PacketBuilder::new()
        .raw_ext(0xABCD, &[1, 2, 3, 4])
        .payload(&[8])
        .build();
    let p = RtpPacket::parse(&bytes).unwrap();
    assert_eq!(p.extension_form(), Some(ExtensionForm::Opaque));
    assert_eq!(p.extension_block(), &[1, 2, 3, 4]);
    assert_eq!(p.extensions().count(), 0);
    assert_eq!(p.payload(), &[8]);
}

#[test]
fn rejects_malformed_headers() {
    let good = PacketBuilder::new().payload(&[1, 2]).build();
    assert_eq!(
        RtpPacket::parse(&good[..11]),
        Err(ParseError::TooShort { len: 11 })
    );
    assert_eq!(RtpPacket::parse(&[]), Err(ParseError::TooShort { len: 0 }));

    let mut v1 = good.clone();
    v1[0] = (v1[0] & 0x3F) | 0x40;
    assert_eq!(RtpPacket::parse(&v1), Err(ParseError::BadVersion(1)));

    let mut csrc = good.clone();
    csrc[0] |= 0x0F; // 15 CSRCs = 60 bytes, packet is 14
    assert_eq!(
        RtpPacket::parse(&csrc),
        Err(ParseError::CsrcOverrun { count: 15, len: 14 })
    );
}

#[test]
fn rejects_extension_overruns() {
    let with_ext = PacketBuilder::new()
        .one_byte_ext(&[(1, &[1, 2, 3, 4])])
        .build();
    // truncated inside the 4-byte extension head
    assert_eq!(
        RtpPacket::parse(&with_ext[..14]),
        Err(ParseError::ExtensionOverrun)
    );
    // length field says more words than there are
    let mut long = with_ext.clone();
    long[15] = 9;
    assert_eq!(RtpPacket::parse(&long), Err(ParseError::ExtensionOverrun));
    // element length runs past the block: id 1 claims 16 bytes in a 4-byte block
    let bad = PacketBuilder::new()
        .raw_ext(ONE_BYTE_PROFILE, &[0x1F, 0, 0, 0])
        .build();
    assert_eq!(
        RtpPacket::parse(&bad),
        Err(ParseError::ExtensionElementOverrun { id: 1 })
    );
    // two-byte element whose length byte is missing
    let bad2 = PacketBuilder::new()
        .raw_ext(TWO_BYTE_PROFILE, &[0, 0, 0, 7])
        .build();
    assert_eq!(
        RtpPacket::parse(&bad2),
        Err(ParseError::ExtensionElementOverrun { id: 7 })
    );
}

#[test]
fn rejects_bad_padding() {
    let mut zero = PacketBuilder::new().payload(&[1, 2, 3]).padding(2).build();
    *zero.last_mut().unwrap() = 0;
    assert!(matches!(
        RtpPacket::parse(&zero),
        Err(ParseError::BadPadding { count: 0, .. })
    ));

    let mut too_big = PacketBuilder::new().payload(&[1, 2, 3]).padding(2).build();
    *too_big.last_mut().unwrap() = 6; // only 5 bytes follow the header
    assert_eq!(
        RtpPacket::parse(&too_big),
        Err(ParseError::BadPadding {
            count: 6,
            available: 5
        })
    );

    // P bit set on a bare 12-byte header: nothing after the header to hold the count
    let mut bare = PacketBuilder::new().build();
    bare[0] |= 0x20;
    assert!(matches!(
        RtpPacket::parse(&bare),
        Err(ParseError::BadPadding { available: 0, .. })
    ));
}

#[test]
fn every_truncation_of_a_rich_packet_is_an_error_or_a_valid_view() {
    let bytes = PacketBuilder::new()
        .csrc(5)
        .two_byte_ext(&[(1, &[1, 2]), (2, &[3; 5])])
        .payload(&[1, 2, 3, 4, 5, 6])
        .padding(3)
        .build();
    for cut in 0..=bytes.len() {
        if let Ok(p) = RtpPacket::parse(&bytes[..cut]) {
            assert!(p.header_len() + p.payload().len() + p.padding().len() == cut);
            let _ = p.extensions().count();
        }
    }
}
