use super::*;

#[test]
fn every_first_byte_lands_in_its_rfc_7983_range() {
    for first in 0..=255u8 {
        let kind = classify(&[first, 96, 0, 0]);
        let expected = match first {
            0..=3 => DatagramKind::Stun,
            20..=63 => DatagramKind::Dtls,
            128..=191 => DatagramKind::Rtp,
            _ => DatagramKind::Other,
        };
        assert_eq!(kind, expected, "first byte {first}");
    }
}

#[test]
fn rtcp_is_told_from_rtp_by_the_second_byte() {
    // RFC 5761 §4: packet types 192..=223 are RTCP; 200 = SR, 201 = RR, 205 = RTPFB, 206 = PSFB.
    for second in 0..=255u8 {
        let expected = if (192..=223).contains(&second) {
            DatagramKind::Rtcp
        } else {
            DatagramKind::Rtp
        };
        assert_eq!(classify(&[0x80, second]), expected, "second byte {second}");
    }
    // A real RR with one report block: V=2, RC=1, PT=201.
    assert_eq!(classify(&[0x81, 0xC9, 0x00, 0x07]), DatagramKind::Rtcp);
    // VP8 with the marker bit: PT 96 | 0x80 = 0xE0 = 224, just outside the RTCP range.
    assert_eq!(classify(&[0x90, 0xE0, 0x12, 0x34]), DatagramKind::Rtp);
    // Opus PT 111 with marker = 0xEF.
    assert_eq!(classify(&[0x80, 0xEF]), DatagramKind::Rtp);
}

#[test]
fn real_datagram_heads() {
    // STUN Binding request: type 0x0001.
    assert_eq!(
        classify(&[0x00, 0x01, 0x00, 0x50, 0x21, 0x12]),
        DatagramKind::Stun
    );
    // STUN Binding success response: type 0x0101.
    assert_eq!(classify(&[0x01, 0x01, 0x00, 0x2C]), DatagramKind::Stun);
    // DTLS 1.2 handshake record (content type 22, version 0xFEFD).
    assert_eq!(classify(&[0x16, 0xFE, 0xFD, 0x00]), DatagramKind::Dtls);
    // DTLS change_cipher_spec (20), alert (21), application_data (23).
    for ct in [20u8, 21, 23] {
        assert_eq!(classify(&[ct, 0xFE, 0xFD]), DatagramKind::Dtls);
    }
    // ZRTP (16..=19) and TURN ChannelData (64..=79) are not ours.
    assert_eq!(classify(&[0x10, 0x00]), DatagramKind::Other);
    assert_eq!(classify(&[0x40, 0x00, 0x00, 0x08]), DatagramKind::Other);
}

#[test]
fn short_datagrams() {
    assert_eq!(classify(&[]), DatagramKind::Other);
    assert_eq!(classify(&[0x80]), DatagramKind::Other);
    assert_eq!(classify(&[0x00]), DatagramKind::Stun);
    assert_eq!(classify(&[0x16]), DatagramKind::Dtls);
}
