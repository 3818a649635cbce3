use super::*;
use crate::test_util::XorShift;

/// RFC 5769 §2.1 sample request: SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME "evtj:h6vY",
/// MESSAGE-INTEGRITY, FINGERPRINT.
const SAMPLE_REQUEST: [u8; 108] = [
    0x00, 0x01, 0x00, 0x58, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
    0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x10, 0x53, 0x54, 0x55, 0x4e, 0x20, 0x74, 0x65, 0x73,
    0x74, 0x20, 0x63, 0x6c, 0x69, 0x65, 0x6e, 0x74, 0x00, 0x24, 0x00, 0x04, 0x6e, 0x00, 0x01, 0xff,
    0x80, 0x29, 0x00, 0x08, 0x93, 0x2f, 0xf9, 0xb1, 0x51, 0x26, 0x3b, 0x36, 0x00, 0x06, 0x00, 0x09,
    0x65, 0x76, 0x74, 0x6a, 0x3a, 0x68, 0x36, 0x76, 0x59, 0x20, 0x20, 0x20, 0x00, 0x08, 0x00, 0x14,
    0x9a, 0xea, 0xa7, 0x0c, 0xbf, 0xd8, 0xcb, 0x56, 0x78, 0x1e, 0xf2, 0xb5, 0xb2, 0xd3, 0xf2, 0x49,
    0xc1, 0xb5, 0x71, 0xa2, 0x80, 0x28, 0x00, 0x04, 0xe5, 0x7a, 0x3b, 0xcf,
];

/// RFC 5769 §2.2 sample IPv4 response: SOFTWARE, XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY, FINGERPRINT.
const SAMPLE_RESPONSE: [u8; 80] = [
    0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
    0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63,
    0x74, 0x6f, 0x72, 0x20, 0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43,
    0x00, 0x08, 0x00, 0x14, 0x2b, 0x91, 0xf5, 0x99, 0xfd, 0x9e, 0x90, 0xc3, 0x8c, 0x74, 0x89, 0xf9,
    0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b, 0xe7, 0xd7, 0x80, 0x28, 0x00, 0x04, 0xc0, 0x7d, 0x4c, 0x96,
];

const TXID: [u8; 12] = [
    0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae,
];

/// A message with the given attributes `(type, value)`, values padded with zeros.
fn message(msg_type: u16, attrs: &[(u16, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (t, v) in attrs {
        body.extend_from_slice(&t.to_be_bytes());
        body.extend_from_slice(&(v.len() as u16).to_be_bytes());
        body.extend_from_slice(v);
        while body.len() % 4 != 0 {
            body.push(0);
        }
    }
    let mut m = Vec::new();
    m.extend_from_slice(&msg_type.to_be_bytes());
    m.extend_from_slice(&(body.len() as u16).to_be_bytes());
    m.extend_from_slice(&MAGIC_COOKIE.to_be_bytes());
    m.extend_from_slice(&TXID);
    m.extend_from_slice(&body);
    m
}

#[test]
fn reads_the_rfc_5769_sample_request() {
    assert!(is_stun(&SAMPLE_REQUEST));
    let v = StunView::parse(&SAMPLE_REQUEST).expect("parses");
    assert_eq!(v.message_type(), 0x0001);
    assert_eq!((v.class(), v.method()), (0, 1)); // Binding request
    assert_eq!(v.transaction_id(), &TXID);
    assert_eq!(v.username(), Some(&b"evtj:h6vY"[..]));
    assert_eq!(local_ufrag(v.username().unwrap()), b"evtj");
    let types: Vec<u16> = v.attributes().map(|(t, _)| t).collect();
    assert_eq!(types, [0x8022, 0x0024, 0x8029, 0x0006, 0x0008, 0x8028]);
    assert_eq!(v.attribute(0x0024), Some(&[0x6e, 0x00, 0x01, 0xff][..])); // PRIORITY
    assert_eq!(
        v.attribute(ATTR_FINGERPRINT),
        Some(&[0xe5, 0x7a, 0x3b, 0xcf][..])
    );
    assert_eq!(
        v.attribute(ATTR_MESSAGE_INTEGRITY).map(<[u8]>::len),
        Some(20)
    );
    assert_eq!(v.as_bytes(), &SAMPLE_REQUEST[..]);
}

#[test]
fn reads_the_rfc_5769_sample_response() {
    let v = StunView::parse(&SAMPLE_RESPONSE).expect("parses");
    assert_eq!(v.message_type(), 0x0101);
    assert_eq!((v.class(), v.method()), (2, 1)); // Binding success response
    assert_eq!(v.username(), None);
    assert_eq!(v.attribute(0x8022), Some(&b"test vector"[..])); // SOFTWARE, 11 bytes + 1 pad
    assert_eq!(v.attributes().count(), 4);
}

#[test]
fn class_and_method_bits() {
    for (t, class, method) in [
        (0x0001u16, 0u8, 1u16),
        (0x0011, 1, 1),     // Binding indication
        (0x0111, 3, 1),     // Binding error response
        (0x0003, 0, 3),     // TURN Allocate request
        (0x0113, 3, 3),     // Allocate error response
        (0x3FFF, 3, 0xFFF), // every bit set
        (0x3EEF, 0, 0xFFF), // every method bit, class bits clear
    ] {
        let m = message(t, &[]);
        let v = StunView::parse(&m).unwrap();
        assert_eq!(
            (v.message_type(), v.class(), v.method()),
            (t, class, method)
        );
    }
}

#[test]
fn attributes_after_message_integrity_are_ignored_except_fingerprint() {
    let mi = [0u8; 20];
    let m = message(
        0x0001,
        &[
            (ATTR_MESSAGE_INTEGRITY, &mi),
            (ATTR_USERNAME, b"late:user"),
            (ATTR_FINGERPRINT, &[1, 2, 3, 4]),
        ],
    );
    let v = StunView::parse(&m).unwrap();
    assert_eq!(v.username(), None);
    assert_eq!(v.attribute(ATTR_FINGERPRINT), Some(&[1, 2, 3, 4][..]));
}

#[test]
fn ufrag_split() {
    assert_eq!(local_ufrag(b"sfu1:chrome"), b"sfu1");
    assert_eq!(local_ufrag(b"nocolon"), b"nocolon");
    assert_eq!(local_ufrag(b":x"), b"");
    assert_eq!(local_ufrag(b"a:b:c"), b"a");
    assert_eq!(local_ufrag(b""), b"");
}

#[test]
fn rejects_what_is_not_stun() {
    assert!(!is_stun(&SAMPLE_REQUEST[..19]));
    let mut wrong_cookie = SAMPLE_REQUEST;
    wrong_cookie[7] ^= 1;
    assert!(!is_stun(&wrong_cookie) && StunView::parse(&wrong_cookie).is_none());
    let mut top_bits = SAMPLE_REQUEST;
    top_bits[0] |= 0x80; // looks like RTP
    assert!(!is_stun(&top_bits));
    // Declared length longer than the datagram.
    assert!(StunView::parse(&SAMPLE_REQUEST[..SAMPLE_REQUEST.len() - 1]).is_none());
}

#[test]
fn tolerates_trailing_bytes_odd_lengths_and_overrunning_attributes() {
    let mut trailing = SAMPLE_REQUEST.to_vec();
    trailing.extend_from_slice(&[0xAA; 7]);
    let v = StunView::parse(&trailing).unwrap();
    assert_eq!(v.as_bytes().len(), SAMPLE_REQUEST.len());
    assert_eq!(v.attributes().count(), 6);

    // USERNAME "ab:c" whose length field claims 40 bytes: iteration stops, nothing is invented.
    let mut m = message(0x0001, &[(0x0024, &[0, 0, 0, 1]), (ATTR_USERNAME, b"ab:c")]);
    m[20 + 8 + 3] = 40;
    let v = StunView::parse(&m).unwrap();
    assert_eq!(v.attributes().count(), 1);
    assert_eq!(v.username(), None);

    // Message length 6 (not a multiple of 4): the 2-byte USERNAME still reads.
    let mut m = message(0x0001, &[(ATTR_USERNAME, b"ab")]);
    m.truncate(26);
    m[3] = 6;
    assert_eq!(StunView::parse(&m).unwrap().username(), Some(&b"ab"[..]));

    // Header only, no attributes.
    let m = message(0x0001, &[]);
    let v = StunView::parse(&m).unwrap();
    assert_eq!((v.attributes().count(), v.username()), (0, None));
}

#[test]
fn never_panics_on_prefixes_and_random_bytes() {
    for len in 0..=SAMPLE_REQUEST.len() {
        let prefix = &SAMPLE_REQUEST[..len];
        if let Some(v) = StunView::parse(prefix) {
            let _ = (v.username(), v.attributes().count(), v.transaction_id());
        }
    }
    let mut rng = XorShift::new(0x5757);
    let mut buf = vec![0u8; 64];
    let mut parsed = 0;
    for _ in 0..20_000 {
        let len = rng.below(64) as usize;
        buf.resize(len, 0);
        rng.fill(&mut buf);
        if len >= 8 {
            buf[0] &= 0x3F;
            buf[2] = 0;
            buf[3] %= 48;
            buf[4..8].copy_from_slice(&MAGIC_COOKIE.to_be_bytes());
        }
        if let Some(v) = StunView::parse(&buf) {
            parsed += 1;
            for (_, value) in v.attributes() {
                assert!(value.len() <= v.as_bytes().len());
            }
            let _ = v.username().map(local_ufrag);
        }
    }
    assert!(parsed > 1000, "only {parsed} random messages parsed");
}

#[test]
fn checks_message_integrity_with_the_rfc_5769_password() {
    // RFC 5769 §2.1: the short-term password of the sample request.
    let key = b"VOkJxbRl1RmTxUk/WvJxBt";
    let v = StunView::parse(&SAMPLE_REQUEST).unwrap();
    assert!(v.integrity_ok(key));
    assert!(!v.integrity_ok(b"VOkJxbRl1RmTxUk/WvJxBu"), "another password");
    let mut tampered = SAMPLE_REQUEST;
    tampered[47] ^= 1; // the PRIORITY value
    assert!(!StunView::parse(&tampered).unwrap().integrity_ok(key));
    // Without MESSAGE-INTEGRITY there is nothing to verify.
    let bare = message(0x0001, &[(ATTR_USERNAME, b"evtj:h6vY")]);
    assert!(!StunView::parse(&bare).unwrap().integrity_ok(key));
    // A MESSAGE-INTEGRITY of the wrong size.
    let short = message(0x0001, &[(ATTR_USERNAME, b"evtj:h6vY"), (ATTR_MESSAGE_INTEGRITY, &[0; 12])]);
    assert!(!StunView::parse(&short).unwrap().integrity_ok(key));
}

#[test]
fn the_authenticated_part_ends_at_message_integrity_or_the_fingerprint_after_it() {
    let v = StunView::parse(&SAMPLE_REQUEST).unwrap();
    assert_eq!(v.authenticated_len(), Some(SAMPLE_REQUEST.len())); // MI, then FINGERPRINT
    let mi = [0u8; 20];
    let tail = message(0x0001, &[(ATTR_USERNAME, b"ab:cd"), (ATTR_MESSAGE_INTEGRITY, &mi), (0x802a, &[0; 8])]);
    assert_eq!(StunView::parse(&tail).unwrap().authenticated_len(), Some(20 + 12 + 24));
    let bare = message(0x0001, &[(ATTR_USERNAME, b"ab:cd")]);
    assert_eq!(StunView::parse(&bare).unwrap().authenticated_len(), None);
}
