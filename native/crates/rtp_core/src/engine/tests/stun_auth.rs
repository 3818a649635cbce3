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
