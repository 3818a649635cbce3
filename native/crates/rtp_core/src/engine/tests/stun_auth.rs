//! Binding requests reach werift only when they name one of the endpoint's ufrags and, once its
//! ICE password is known, carry a MESSAGE-INTEGRITY made with it; responses and indications
//! keep going by address (werift checks responses against its own transactions).

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

use super::*;

/// `stun_request(username)` with MESSAGE-INTEGRITY (RFC 5389 §15.4) keyed with `pwd`.
fn signed_request(username: &str, pwd: &[u8]) -> Vec<u8> {
    let mut m = stun_request(username);
    let length = (m.len() - 20 + 24) as u16;
    m[2..4].copy_from_slice(&length.to_be_bytes());
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(pwd).unwrap();
    mac.update(&m);
    let tag = mac.finalize().into_bytes();
    m.extend_from_slice(&[0x00, 0x08, 0x00, 0x14]);
    m.extend_from_slice(&tag);
    m
}

fn with_class(mut m: Vec<u8>, class_bits: u8) -> Vec<u8> {
    // C1 is bit 8 of the type, C0 bit 4 (RFC 5389 §6).
    m[0] |= (class_bits >> 1) & 1;
    m[1] |= (class_bits & 1) << 4;
    m
}

#[test]
fn requests_need_our_ufrag_and_a_valid_message_integrity() {
    let mut s = State::with_clock(EngineConfig::default(), None, ManualClock::new(0.0), 1);
    let ep = s.create_endpoint();
    s.bind_ice_credentials(ep, b"sfu1", b"the-ice-password-of-sfu1").unwrap();
    assert!(s.bind_ice_credentials(ep, b"sfu1", b"").is_err());

    raw(&mut s, "127.0.0.1:6000", &stun_request("sfu1:peer")); // no MESSAGE-INTEGRITY
    raw(&mut s, "127.0.0.1:6000", &signed_request("sfu1:peer", b"a-guessed-password")); // wrong key
    raw(&mut s, "127.0.0.1:6000", &signed_request("sfu1", b"a-guessed-password"));
    assert_eq!(counter(&s, Counter::DropStunAuth), 3);
    assert_eq!(counter(&s, Counter::StunToJs), 0);
    // Nothing was learned from them: a DTLS datagram from that address has no endpoint.
    raw(&mut s, "127.0.0.1:6000", &[22, 0xfe, 0xfd, 1, 2, 3]);
    assert_eq!(counter(&s, Counter::DropUnknownEndpoint), 1);

    let good = signed_request("sfu1:peer", b"the-ice-password-of-sfu1");
    raw(&mut s, "127.0.0.1:6000", &good);
    assert_eq!(counter(&s, Counter::StunToJs), 1);
    // Now the address is known: a request naming another ufrag from it is still refused, while a
    // success response (to werift's own check) and an indication go to the endpoint.
    raw(&mut s, "127.0.0.1:6000", &signed_request("other:peer", b"the-ice-password-of-sfu1"));
    assert_eq!(counter(&s, Counter::DropStunAuth), 4);
    raw(&mut s, "127.0.0.1:6000", &with_class(stun_request("peer:sfu1"), 2));
    raw(&mut s, "127.0.0.1:6000", &with_class(stun_request("peer:sfu1"), 1));
    assert_eq!(counter(&s, Counter::StunToJs), 3);

    let mut out = vec![0u8; 4096];
    let mut index = vec![0u32; CONTROL_STRIDE * 8];
    assert_eq!(s.drain_control(&mut out, &mut index), 3);
    assert_eq!(&out[..index[2] as usize], good.as_slice());
}

#[test]
fn an_ice_restart_keeps_the_old_credentials_working_beside_the_new_ones() {
    let mut s = State::with_clock(EngineConfig::default(), None, ManualClock::new(0.0), 1);
    let ep = s.create_endpoint();
    s.bind_ice_credentials(ep, b"old1", b"old-password-old-password").unwrap();
    s.bind_ice_credentials(ep, b"new2", b"new-password-new-password").unwrap();
    raw(&mut s, "127.0.0.1:6001", &signed_request("old1:peer", b"old-password-old-password"));
    raw(&mut s, "127.0.0.1:6001", &signed_request("new2:peer", b"new-password-new-password"));
    raw(&mut s, "127.0.0.1:6001", &signed_request("new2:peer", b"old-password-old-password"));
    assert_eq!((counter(&s, Counter::StunToJs), counter(&s, Counter::DropStunAuth)), (2, 1));
}

#[test]
fn responses_and_indications_naming_a_ufrag_teach_no_address() {
    let mut s = State::with_clock(EngineConfig::default(), None, ManualClock::new(0.0), 1);
    let ep = s.create_endpoint();
    s.bind_ice_credentials(ep, b"sfu1", b"the-ice-password-of-sfu1").unwrap();
    for class_bits in [1, 2, 3] {
        raw(&mut s, "127.0.0.1:6100", &with_class(stun_request("sfu1:x"), class_bits));
    }
    assert_eq!(counter(&s, Counter::DropUnknownEndpoint), 3);
    // A DTLS alert from there reaches no one.
    raw(&mut s, "127.0.0.1:6100", &[0x15, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 1, 0]);
    assert_eq!((counter(&s, Counter::DropUnknownEndpoint), counter(&s, Counter::DtlsToJs)), (4, 0));
}

#[test]
fn sessions_sharing_a_ufrag_each_get_their_own_checks() {
    let mut s = State::with_clock(EngineConfig::default(), None, ManualClock::new(0.0), 1);
    let a = s.create_endpoint();
    let b = s.create_endpoint();
    s.bind_ice_credentials(a, b"9c55", b"password-of-session-a-0").unwrap();
    s.bind_ice_credentials(b, b"9c55", b"password-of-session-b-0").unwrap();
    raw(&mut s, "127.0.0.1:6201", &signed_request("9c55:pa", b"password-of-session-a-0"));
    raw(&mut s, "127.0.0.1:6202", &signed_request("9c55:pb", b"password-of-session-b-0"));
    let mut out = vec![0u8; 4096];
    let mut index = vec![0u32; CONTROL_STRIDE * 8];
    assert_eq!(s.drain_control(&mut out, &mut index), 2);
    assert_eq!((index[0], index[CONTROL_STRIDE]), (a, b));
    assert_eq!((index[3], index[CONTROL_STRIDE + 3]), (6201, 6202));
    // Closing one leaves the other reachable.
    s.close_endpoint(a).unwrap();
    raw(&mut s, "127.0.0.1:6202", &signed_request("9c55:pb", b"password-of-session-b-0"));
    raw(&mut s, "127.0.0.1:6201", &signed_request("9c55:pa", b"password-of-session-a-0"));
    assert_eq!(s.drain_control(&mut out, &mut index), 1);
    assert_eq!(index[0], b);
    assert_eq!(counter(&s, Counter::DropStunAuth), 1);
}

#[test]
fn attributes_after_message_integrity_are_cut_before_werift_reads_them() {
    let mut s = State::with_clock(EngineConfig::default(), None, ManualClock::new(0.0), 1);
    let ep = s.create_endpoint();
    s.bind_ice_credentials(ep, b"sfu1", b"the-ice-password-of-sfu1").unwrap();
    let signed = signed_request("sfu1:peer", b"the-ice-password-of-sfu1");
    // A captured check with ICE-CONTROLLING (tie-breaker 0) appended after MESSAGE-INTEGRITY.
    let mut replay = signed.clone();
    replay.extend_from_slice(&[0x80, 0x2a, 0x00, 0x08, 0, 0, 0, 0, 0, 0, 0, 0]);
    let declared = (replay.len() - 20) as u16;
    replay[2..4].copy_from_slice(&declared.to_be_bytes());
    raw(&mut s, "127.0.0.1:6300", &replay);
    let mut out = vec![0u8; 4096];
    let mut index = vec![0u32; CONTROL_STRIDE * 8];
    assert_eq!(s.drain_control(&mut out, &mut index), 1);
    assert_eq!(&out[..index[2] as usize], signed.as_slice(), "werift gets the authenticated part only");
}
