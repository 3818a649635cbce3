//! SRTP/SRTCP packet scripts: a sender protects packets in sequence order, the receiver gets them
//! in a scripted order, and each delivery states the expected outcome (`"ok"` or an error code).
//! Plus round trips, tampering, limits and input validation. The RFC known-answer tests are in
//! `tests/rfc_vectors.rs`.

use super::kdf::SessionKeys;
use super::replay::{estimate_index, ReplayWindow};
use super::ssrc_map::{SsrcMap, MAX_SSRCS};
use super::*;
use crate::test_util::PacketBuilder;

mod rfc_vectors;

const CM: SrtpProfile = SrtpProfile::Aes128CmHmacSha1_80;
pub(super) const GCM: SrtpProfile = SrtpProfile::AeadAes128Gcm;
const PROFILES: [SrtpProfile; 2] = [CM, GCM];
const SSRC: u32 = 0xcafe_f00d;

pub(super) fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}

pub(super) fn session_keys(key: &str, salt: &str) -> SessionKeys {
    let mut keys = SessionKeys {
        encryption: [0; 16],
        salt: [0; 14],
        auth: [0; 20],
    };
    keys.encryption.copy_from_slice(&hex(key));
    let salt = hex(salt);
    keys.salt[..salt.len()].copy_from_slice(&salt);
    keys
}

fn master(profile: SrtpProfile, fill: u8) -> SrtpContext {
    let key = vec![fill; profile.key_len()];
    let salt: Vec<u8> = (0..profile.salt_len() as u8).map(|i| i ^ fill).collect();
    SrtpContext::new(profile, &key, &salt).unwrap()
}

/// `buf[..len]` copied into a buffer with room for the SRTP/SRTCP overhead.
pub(super) fn with_room(packet: &[u8]) -> Vec<u8> {
    let mut buf = packet.to_vec();
    buf.resize(packet.len() + 20, 0);
    buf
}

fn rtp(seq: u16, ssrc: u32) -> Vec<u8> {
    PacketBuilder::new()
        .seq(seq)
        .ts(u32::from(seq) * 3000)
        .ssrc(ssrc)
        .payload(&[seq as u8; 40])
        .build()
}

/// An SR with one report block, from `ssrc`.
fn rtcp(ssrc: u32, fill: u8) -> Vec<u8> {
    let mut p = vec![0x81, 200, 0x00, 0x0c];
    p.extend_from_slice(&ssrc.to_be_bytes());
    p.extend_from_slice(&[fill; 44]);
    p
}

pub(super) fn protect_rtp(tx: &mut SrtpContext, packet: &[u8]) -> Vec<u8> {
    let mut buf = with_room(packet);
    let n = tx.protect_rtp(&mut buf, packet.len()).unwrap();
    buf.truncate(n);
    buf
}

fn protect_rtcp(tx: &mut SrtpContext, packet: &[u8]) -> Vec<u8> {
    let mut buf = with_room(packet);
    let n = tx.protect_rtcp(&mut buf, packet.len()).unwrap();
    buf.truncate(n);
    buf
}

pub(super) fn code<T: std::fmt::Debug>(r: Result<T, SrtpError>) -> &'static str {
    match r {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}

/// Packet script: the sender protects `sent` in order; the receiver gets `delivered` (by seq)
/// and each delivery must give the stated outcome, with the original plaintext on "ok".
fn rtp_script(profile: SrtpProfile, sent: &[u16], delivered: &[(u16, &str)]) {
    let (mut tx, mut rx) = (master(profile, 7), master(profile, 7));
    let wire: Vec<(u16, Vec<u8>, Vec<u8>)> = sent
        .iter()
        .map(|&seq| (seq, rtp(seq, SSRC), protect_rtp(&mut tx, &rtp(seq, SSRC))))
        .collect();
    for (step, &(seq, expected)) in delivered.iter().enumerate() {
        let (_, plain, protected) = wire.iter().rev().find(|(s, ..)| *s == seq).unwrap();
        let mut buf = protected.clone();
        let result = rx.unprotect_rtp(&mut buf);
        assert_eq!(code(result), expected, "{profile}, step {step}: seq {seq}");
        if let Ok(n) = result {
            assert_eq!(&buf[..n], &plain[..], "{profile}, step {step}: plaintext");
        }
    }
}

// ---- round trips ----

#[test]
fn round_trip_rtp_with_csrcs_extension_and_padding() {
    for profile in PROFILES {
        let (mut tx, mut rx) = (master(profile, 1), master(profile, 1));
        let packets = [
            PacketBuilder::new().seq(1).ssrc(SSRC).payload(b"x").build(),
            PacketBuilder::new()
                .seq(2)
                .ssrc(SSRC)
                .csrc(7)
                .csrc(8)
                .one_byte_ext(&[(1, b"0"), (3, &[1, 2, 3])])
                .payload(&[0xab; 1100])
                .padding(4)
                .build(),
            PacketBuilder::new().seq(3).ssrc(SSRC).build(), // empty payload
        ];
        for plain in packets {
            let protected = protect_rtp(&mut tx, &plain);
            assert_eq!(protected.len(), plain.len() + profile.rtp_overhead());
            let header_len = super::header::rtp_header_len(&plain).unwrap();
            assert_eq!(
                protected[..header_len],
                plain[..header_len],
                "{profile}: header in the clear"
            );
            if plain.len() > header_len {
                assert_ne!(
                    protected[header_len..plain.len()],
                    plain[header_len..],
                    "{profile}"
                );
            }
            let mut buf = protected;
            let n = rx.unprotect_rtp(&mut buf).unwrap();
            assert_eq!(buf[..n], plain[..], "{profile}");
        }
    }
}

#[test]
fn round_trip_rtcp_and_independent_srtcp_indices_per_ssrc() {
    for profile in PROFILES {
        let (mut tx, mut rx) = (master(profile, 2), master(profile, 2));
        for round in 0..3u8 {
            for ssrc in [1, 2] {
                let plain = rtcp(ssrc, round);
                let protected = protect_rtcp(&mut tx, &plain);
                assert_eq!(protected.len(), plain.len() + profile.rtcp_overhead());
                let word_at = profile.srtcp_index_offset(protected.len());
                let word = u32::from_be_bytes(protected[word_at..word_at + 4].try_into().unwrap());
                assert_eq!(
                    word,
                    0x8000_0000 | u32::from(round),
                    "{profile}: E flag + index"
                );
                let mut buf = protected;
                let n = rx.unprotect_rtcp(&mut buf).unwrap();
                assert_eq!(buf[..n], plain[..], "{profile}");
            }
        }
        assert_eq!(rx.received_streams(), (0, 2));
    }
}

#[test]
fn srtcp_without_the_e_flag_is_authenticated_only() {
    for profile in PROFILES {
        let (mut tx, mut rx) = (master(profile, 3), master(profile, 3));
        let plain = rtcp(9, 0x55);
        let mut buf = with_room(&plain);
        let n = tx
            .protect_rtcp_with(&mut buf, plain.len(), None, false)
            .unwrap();
        assert_eq!(
            buf[..plain.len()],
            plain[..],
            "{profile}: payload in the clear"
        );
        let n = rx.unprotect_rtcp(&mut buf[..n]).unwrap();
        assert_eq!(buf[..n], plain[..]);
    }
}

// ---- authentication and replay ----

#[test]
fn tampered_packets_fail_authentication_and_change_nothing() {
    for profile in PROFILES {
        let (mut tx, mut rx) = (master(profile, 4), master(profile, 4));
        let good = protect_rtp(&mut tx, &rtp(500, SSRC));
        for at in [1, 12, good.len() - 1] {
            // marker/PT in the header, the payload, the tag
            let mut forged = good.clone();
            forged[at] ^= 0x40;
            let before = forged.clone();
            assert_eq!(
                code(rx.unprotect_rtp(&mut forged)),
                "auth_failed",
                "{profile} @{at}"
            );
            assert_eq!(forged, before, "{profile}: buffer untouched on failure");
        }
        // A forged packet from an unknown SSRC creates no state.
        let mut stranger = protect_rtp(&mut master(profile, 5), &rtp(1, 77));
        assert_eq!(code(rx.unprotect_rtp(&mut stranger)), "auth_failed");
        assert_eq!(rx.received_streams(), (0, 0));
        // The wrong key (another context) fails too; the genuine packet still passes.
        let mut good_copy = good.clone();
        assert_eq!(code(rx.unprotect_rtp(&mut good_copy)), "ok");

        let good_rtcp = protect_rtcp(&mut tx, &rtcp(SSRC, 1));
        for at in [1, 9, good_rtcp.len() - 1] {
            let mut forged = good_rtcp.clone();
            forged[at] ^= 0x01;
            assert_eq!(
                code(rx.unprotect_rtcp(&mut forged)),
                "auth_failed",
                "{profile} @{at}"
            );
        }
        let mut ok = good_rtcp.clone();
        assert_eq!(code(rx.unprotect_rtcp(&mut ok)), "ok");
        let mut replay = good_rtcp;
        assert_eq!(code(rx.unprotect_rtcp(&mut replay)), "replayed");
    }
}

#[test]
fn a_forged_high_sequence_number_does_not_move_the_window() {
    for profile in PROFILES {
        let (mut tx, mut rx) = (master(profile, 6), master(profile, 6));
        let mut first = protect_rtp(&mut tx, &rtp(10, SSRC));
        assert_eq!(code(rx.unprotect_rtp(&mut first)), "ok");
        let mut forged = protect_rtp(&mut master(profile, 9), &rtp(30_000, SSRC));
        assert_eq!(code(rx.unprotect_rtp(&mut forged)), "auth_failed");
        let mut next = protect_rtp(&mut tx, &rtp(11, SSRC));
        assert_eq!(code(rx.unprotect_rtp(&mut next)), "ok", "{profile}");
    }
}

#[test]
fn replayed_packet_is_rejected() {
    for profile in PROFILES {
        rtp_script(
            profile,
            &[1, 2],
            &[(1, "ok"), (2, "ok"), (2, "replayed"), (1, "replayed")],
        );
    }
}

#[test]
fn reordering_within_the_window_is_accepted() {
    let sent: Vec<u16> = (100..=170).collect();
    for profile in PROFILES {
        rtp_script(
            profile,
            &sent,
            &[
                (100, "ok"),
                (103, "ok"),
                (101, "ok"),
                (102, "ok"),
                (101, "replayed"),
                (170, "ok"),
                (107, "ok"),       // 63 behind the highest: the window's last slot
                (106, "replayed"), // 64 behind: too old
                (104, "replayed"), // never received, but too old
            ],
        );
    }
}

#[test]
fn roc_rolls_over_across_seq_65535_to_0() {
    for profile in PROFILES {
        rtp_script(
            profile,
            &[65533, 65534, 65535, 0, 1, 2],
            &[
                (65533, "ok"),
                (65535, "ok"),
                (0, "ok"),
                (65534, "ok"), // late, from before the wrap: ROC - 1
                (2, "ok"),
                (1, "ok"),
                (65535, "replayed"),
                (0, "replayed"),
            ],
        );
        // The sender used ROC 1 after the wrap: a receiver that never saw the earlier packets
        // assumes ROC 0 for seq 0 and the tag (CM) or the GCM IV does not match.
        let mut tx = master(profile, 8);
        for seq in [65534, 65535] {
            protect_rtp(&mut tx, &rtp(seq, SSRC));
        }
        let mut after_wrap = protect_rtp(&mut tx, &rtp(0, SSRC));
        assert_eq!(
            code(master(profile, 8).unprotect_rtp(&mut after_wrap)),
            "auth_failed"
        );
    }
}

#[test]
fn streams_are_independent_per_ssrc() {
    for profile in PROFILES {
        let (mut tx, mut rx) = (master(profile, 10), master(profile, 10));
        for seq in [5, 6] {
            for ssrc in [1, 2, 3] {
                let mut p = protect_rtp(&mut tx, &rtp(seq, ssrc));
                assert_eq!(
                    code(rx.unprotect_rtp(&mut p)),
                    "ok",
                    "{profile} ssrc {ssrc} seq {seq}"
                );
            }
        }
        assert_eq!(rx.received_streams(), (3, 0));
    }
}

#[test]
fn index_estimation_follows_rfc3711_appendix_a() {
    let at = |roc: u64, s_l: u64| roc << 16 | s_l;
    // s_l < 2^15
    assert_eq!(estimate_index(at(3, 100), 101), at(3, 101) as i64);
    assert_eq!(estimate_index(at(3, 100), 50), at(3, 50) as i64);
    assert_eq!(estimate_index(at(3, 100), 65000), at(2, 65000) as i64); // ROC - 1
    assert_eq!(estimate_index(at(0, 100), 65000), 65000 - 65536); // before the stream
                                                                  // s_l >= 2^15
    assert_eq!(estimate_index(at(3, 65000), 10), at(4, 10) as i64); // ROC + 1
    assert_eq!(estimate_index(at(3, 65000), 40000), at(3, 40000) as i64);
    // s_l - 2^15 = 7232: SEQ 7232 stays in this ROC, SEQ 7231 is taken as after the wrap.
    assert_eq!(estimate_index(at(3, 40000), 7232), at(3, 7232) as i64);
    assert_eq!(estimate_index(at(3, 40000), 7231), at(4, 7231) as i64);
}

#[test]
fn replay_window_is_64_packets() {
    let mut w = ReplayWindow::starting_at(1000);
    assert!(w.check(1, 1000).is_err());
    assert_eq!(w.check(1, 937), Ok(937)); // 63 back
    assert!(w.check(1, 936).is_err()); // 64 back
    w.accept(1100); // a jump past the whole window clears it
    assert_eq!(w.check(1, 1037), Ok(1037));
    assert!(w.check(1, 1100).is_err());
    assert!(w.check(1, -5).is_err());
}

// ---- input validation and limits ----

#[test]
fn short_malformed_and_roomless_inputs() {
    for profile in PROFILES {
        let mut ctx = master(profile, 11);
        assert_eq!(code(ctx.unprotect_rtp(&mut [0x80; 5])), "too_short");
        assert_eq!(
            code(ctx.unprotect_rtp(&mut vec![0x80; 12 + profile.rtp_overhead() - 1])),
            "too_short"
        );
        assert_eq!(
            code(ctx.unprotect_rtcp(&mut vec![0x80; 8 + profile.rtcp_overhead() - 1])),
            "too_short"
        );

        let mut v1 = rtp(1, SSRC);
        v1[0] = 0x40;
        let mut buf = with_room(&v1);
        assert_eq!(code(ctx.protect_rtp(&mut buf, v1.len())), "malformed");
        let mut protected_v1 = protect_rtp(&mut master(profile, 11), &rtp(1, SSRC));
        protected_v1[0] = 0x40;
        assert_eq!(code(ctx.unprotect_rtp(&mut protected_v1)), "malformed");

        // Extension header claiming 100 words.
        let mut long_ext = PacketBuilder::new().raw_ext(0xbede, &[0; 4]).build();
        long_ext[14..16].copy_from_slice(&100u16.to_be_bytes());
        let mut buf = with_room(&long_ext);
        assert_eq!(code(ctx.protect_rtp(&mut buf, long_ext.len())), "malformed");

        let plain = rtp(1, SSRC);
        let mut tight = plain.clone();
        assert_eq!(code(ctx.protect_rtp(&mut tight, plain.len())), "too_short");
        assert_eq!(tight, plain, "nothing written without room");
        assert_eq!(
            code(ctx.protect_rtp(&mut tight, plain.len() + 1)),
            "malformed"
        );
        let sr = rtcp(1, 0);
        let mut tight = sr.clone();
        tight.resize(sr.len() + profile.rtcp_overhead() - 1, 0);
        assert_eq!(code(ctx.protect_rtcp(&mut tight, sr.len())), "too_short");
        let mut v0 = sr.clone();
        v0[0] = 0x01;
        let mut buf = with_room(&v0);
        assert_eq!(code(ctx.protect_rtcp(&mut buf, v0.len())), "malformed");
    }
}

#[test]
fn keys_of_the_wrong_length_are_rejected() {
    for profile in PROFILES {
        let (k, s) = (profile.key_len(), profile.salt_len());
        for (key, salt) in [(k - 1, s), (k + 16, s), (k, s + 1), (k, s - 1)] {
            let err = SrtpContext::new(profile, &vec![1; key], &vec![2; salt])
                .err()
                .unwrap();
            assert_eq!(err.code(), "bad_key", "{profile} {key}/{salt}");
        }
    }
    let err = SrtpContext::new(GCM, &[0; 16], &[0; 14]).err().unwrap();
    assert_eq!(
        err.to_string(),
        "master salt must be 12 bytes for SRTP_AEAD_AES_128_GCM, got 14"
    );
}

#[test]
fn srtcp_index_exhaustion_needs_a_new_key() {
    for profile in PROFILES {
        let mut tx = master(profile, 12);
        let plain = rtcp(SSRC, 0);
        let mut buf = with_room(&plain);
        tx.protect_rtcp_with(&mut buf, plain.len(), Some(0x7fff_ffff), true)
            .unwrap();
        let mut buf = with_room(&plain);
        assert_eq!(code(tx.protect_rtcp(&mut buf, plain.len())), "bad_key");
    }
}

#[test]
fn ssrc_map_evicts_the_least_recently_used_stream_when_full() {
    let mut map = SsrcMap::new();
    for ssrc in 0..MAX_SSRCS as u32 {
        map.insert(ssrc * 2, ssrc);
    }
    let kept = map.find(0).unwrap();
    *map.get_mut(kept) += 0; // touch SSRC 0: SSRC 2 is now the least recently used
    map.insert(1, 99);
    assert_eq!(map.len(), MAX_SSRCS);
    assert!(map.find(2).is_err());
    assert_eq!(*map.get(map.find(0).unwrap()), 0);
    assert_eq!(*map.get(map.find(1).unwrap()), 99);
}

#[test]
fn profiles_and_error_codes_are_stable() {
    assert_eq!(SrtpProfile::from_dtls_id(0x0001), Some(CM));
    assert_eq!(SrtpProfile::from_dtls_id(0x0007), Some(GCM));
    assert_eq!(SrtpProfile::from_dtls_id(0x0008), None);
    assert_eq!(
        (
            CM.key_len(),
            CM.salt_len(),
            CM.rtp_overhead(),
            CM.rtcp_overhead()
        ),
        (16, 14, 10, 14)
    );
    assert_eq!(
        (
            GCM.key_len(),
            GCM.salt_len(),
            GCM.rtp_overhead(),
            GCM.rtcp_overhead()
        ),
        (16, 12, 16, 20)
    );
    assert_eq!((CM.dtls_id(), GCM.dtls_id()), (1, 7));
    let cases = [
        (
            SrtpError::AuthFailed,
            "auth_failed",
            "authentication tag does not match",
        ),
        (
            SrtpError::Replayed {
                ssrc: 0xab,
                index: 7,
                reason: "already received",
            },
            "replayed",
            "SSRC 0x000000ab, packet index 7: already received",
        ),
        (
            SrtpError::TooShort { len: 3, min: 22 },
            "too_short",
            "packet of 3 bytes is shorter than the 22-byte minimum",
        ),
        (
            SrtpError::NoRoom {
                capacity: 10,
                needed: 20,
            },
            "too_short",
            "buffer of 10 bytes has no room for the 20-byte protected packet",
        ),
        (SrtpError::Malformed("x"), "malformed", "x"),
        (SrtpError::KeyExhausted("y"), "bad_key", "y"),
    ];
    for (err, code, message) in cases {
        assert_eq!((err.code(), err.to_string().as_str()), (code, message));
    }
}
