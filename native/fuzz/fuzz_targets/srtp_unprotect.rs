//! SRTP/SRTCP unprotect on arbitrary bytes for both profiles must fail cleanly (never panic), and
//! whatever protect accepts must come back byte for byte through unprotect. The first byte picks
//! the profile and RTP or RTCP; the rest is the packet.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rtp_core::{SrtpContext, SrtpProfile};

const KEY: [u8; 16] = [
    0xE1, 0xF9, 0x7A, 0x0D, 0x3E, 0x01, 0x8B, 0xE0, 0xD6, 0x4F, 0xA3, 0x2C, 0x06, 0xDE, 0x41, 0x39,
];
const SALT: [u8; 14] = [
    0x0E, 0xC6, 0x75, 0xAD, 0x49, 0x8A, 0xFE, 0xEB, 0xB6, 0x96, 0x0B, 0x3A, 0xAB, 0xE6,
];

fn context(profile: SrtpProfile) -> SrtpContext {
    SrtpContext::new(profile, &KEY, &SALT[..profile.salt_len()]).unwrap()
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, packet)) = data.split_first() else {
        return;
    };
    let profile = if selector & 1 == 0 {
        SrtpProfile::Aes128CmHmacSha1_80
    } else {
        SrtpProfile::AeadAes128Gcm
    };
    let rtcp = selector & 2 != 0;
    let mut rx = context(profile);

    // Arbitrary bytes as a protected packet: an error or a plaintext no longer than the input.
    let mut buf = packet.to_vec();
    let result = if rtcp {
        rx.unprotect_rtcp(&mut buf)
    } else {
        rx.unprotect_rtp(&mut buf)
    };
    if let Ok(n) = result {
        assert!(n <= packet.len());
    }

    // The same bytes as plaintext: protect, then unprotect in a fresh receiver, must round-trip.
    let mut tx = context(profile);
    let mut rx = context(profile);
    let mut buf = packet.to_vec();
    buf.resize(packet.len() + 64, 0);
    let protected = if rtcp {
        tx.protect_rtcp(&mut buf, packet.len())
    } else {
        tx.protect_rtp(&mut buf, packet.len())
    };
    let Ok(len) = protected else {
        return;
    };
    buf.truncate(len);
    let plain = if rtcp {
        rx.unprotect_rtcp(&mut buf)
    } else {
        rx.unprotect_rtp(&mut buf)
    };
    let n = plain.expect("our own protected packet unprotects");
    assert_eq!(&buf[..n], packet);
});
