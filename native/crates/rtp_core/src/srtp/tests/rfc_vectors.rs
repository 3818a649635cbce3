//! Known-answer tests against the RFC vectors: RFC 3711 Appendix B.2 (AES-CM keystream) and B.3
//! (key derivation), RFC 7714 §16 (AEAD_AES_128_GCM SRTP) and §17 (SRTCP).

use super::{code, hex, protect_rtp, session_keys, with_room, GCM};
use crate::srtp::cm::CmKeys;
use crate::srtp::kdf::{MasterKey, LABEL_RTP_AUTH, LABEL_RTP_ENCRYPTION, LABEL_RTP_SALT};
use crate::srtp::SrtpContext;

// ---- RFC 3711 Appendix B ----

#[test]
fn rfc3711_b2_aes_cm_keystream() {
    let keys = CmKeys::new(&session_keys(
        "2B7E151628AED2A6ABF7158809CF4F3C",
        "F0F1F2F3F4F5F6F7F8F9FAFBFCFD",
    ));
    // SSRC 0 and index 0: the IV is the salt times 2^16. The vector's segment is 65282 blocks.
    let mut stream = vec![0u8; 65282 * 16];
    keys.apply_keystream(0, 0, &mut stream);
    let block = |i: usize| &stream[i * 16..(i + 1) * 16];
    assert_eq!(block(0), hex("E03EAD0935C95E80E166B16DD92B4EB4"));
    assert_eq!(block(1), hex("D23513162B02D0F72A43A2FE4A5F97AB"));
    assert_eq!(block(2), hex("41E95B3BB0A2E8DD477901E4FCA894C0"));
    assert_eq!(block(0xfeff), hex("EC8CDF7398607CB0F2D21675EA9EA1E4"));
    assert_eq!(block(0xff00), hex("362B7C3C6773516318A077D7FC5073AE"));
    assert_eq!(block(0xff01), hex("6A2CC3787889374FBEB4C81B17BA6C44"));
}

#[test]
fn rfc3711_b3_key_derivation() {
    let key: [u8; 16] = hex("E1F97A0D3E018BE0D64FA32C06DE4139").try_into().unwrap();
    let master = MasterKey::new(&key, &hex("0EC675AD498AFEEBB6960B3AABE6"));
    let mut cipher_key = [0u8; 16];
    master.derive(LABEL_RTP_ENCRYPTION, &mut cipher_key);
    assert_eq!(cipher_key[..], hex("C61E7A93744F39EE10734AFE3FF7A087"));
    let mut cipher_salt = [0u8; 14];
    master.derive(LABEL_RTP_SALT, &mut cipher_salt);
    assert_eq!(cipher_salt[..], hex("30CBBC08863D8C85D49DB34A9AE1"));
    // The vector derives a 94-octet auth key; HMAC-SHA1 uses its first 20.
    let mut auth = [0u8; 94];
    master.derive(LABEL_RTP_AUTH, &mut auth);
    let expected = hex(
        "CEBE321F6FF7716B6FD4AB49AF256A15 6D38BAA48F0A0ACF3C34E2359E6CDBCE
         E049646C43D9327AD175578EF7227098 6371C10C9A369AC2F94A8C5FBCDDDC25
         6D6E919A48B610EF17C2041E47403576 6B68642C59BBFC2F34DB60DBDFB2",
    );
    assert_eq!(auth[..], expected[..]);

    let rtp = master.session_keys(false, true);
    assert_eq!(rtp.encryption[..], cipher_key);
    assert_eq!(rtp.salt, cipher_salt);
    assert_eq!(rtp.auth[..], expected[..20]);
}

/// A 12-byte GCM master salt is padded with two zero bytes on the right. Expected values computed
/// with `openssl enc -aes-128-ecb` on (salt || 00 00 || 00 00) with the label XORed into octet 7.
#[test]
fn gcm_master_salt_is_right_padded_for_the_prf() {
    let key: [u8; 16] = hex("000102030405060708090a0b0c0d0e0f").try_into().unwrap();
    let master = MasterKey::new(&key, &hex("a0a1a2a3a4a5a6a7a8a9aaab"));
    let rtp = master.session_keys(false, false);
    let rtcp = master.session_keys(true, false);
    assert_eq!(rtp.encryption[..], hex("077c6143cb221bc355ff23d5f984a16e"));
    assert_eq!(rtp.salt[..12], hex("9af3e95364ebac9c99c5a7c4"));
    assert_eq!(rtcp.encryption[..], hex("615dcd9042600666f6fd4d9e4fe4519f"));
    assert_eq!(rtcp.salt[..12], hex("fcca937b9112a500dac72269"));
    assert_eq!(rtp.auth, [0; 20], "GCM derives no auth key");
}

// ---- RFC 7714 §16 and §17 (session key and salt given directly) ----

fn rfc7714_context() -> SrtpContext {
    let keys = session_keys(
        "000102030405060708090a0b0c0d0e0f",
        "517569642070726f2071756f",
    );
    SrtpContext::from_session_keys(GCM, &keys, &keys)
}

const RFC7714_RTP: &str = "8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973
    20646976 69736120 696e2070 61727465 73207472 6573";
const RFC7714_SRTP: &str = "8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca
    be633bd5 0d294e6f 42a5f47a 51c7d19b 36de3adf 8833899d 7f27beb1 6a9152cf 765ee439 0cce";
const RFC7714_RTCP: &str = "81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930
    4c756e61 deadbeef deadbeef deadbeef deadbeef deadbeef";

#[test]
fn rfc7714_16_1_aead_aes_128_gcm_rtp_encrypt_and_decrypt() {
    let plain = hex(RFC7714_RTP);
    let expected = hex(RFC7714_SRTP);
    // ROC 0, SEQ 0xf17b: a fresh context's first packet.
    assert_eq!(protect_rtp(&mut rfc7714_context(), &plain), expected);

    let mut rx = rfc7714_context();
    let mut buf = expected.clone();
    let n = rx.unprotect_rtp(&mut buf).unwrap();
    assert_eq!(buf[..n], plain[..]);
    let mut again = expected;
    assert_eq!(code(rx.unprotect_rtp(&mut again)), "replayed");
}

#[test]
fn rfc7714_17_1_aead_aes_128_gcm_srtcp_encrypt_and_decrypt() {
    let plain = hex(RFC7714_RTCP);
    let expected = hex(
        "81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d c676a5f1
         730d6fda 4ce09b46 86303ded 0bb9275b c84aa458 96cf4d2f c5abf872 45d9eade 800005d4",
    );
    let mut buf = with_room(&plain);
    let n = rfc7714_context()
        .protect_rtcp_with(&mut buf, plain.len(), Some(0x5d4), true)
        .unwrap();
    assert_eq!(buf[..n], expected[..]);

    let mut buf = expected;
    let n = rfc7714_context().unprotect_rtcp(&mut buf).unwrap();
    assert_eq!(buf[..n], plain[..]);
}

#[test]
fn rfc7714_17_3_aead_aes_128_gcm_srtcp_authentication_only() {
    let plain = hex(RFC7714_RTCP);
    let expected = hex(&format!(
        "{RFC7714_RTCP} 841dd968 3dd78ec9 2ae58790 125f62b3 000005d4"
    ));
    let mut buf = with_room(&plain);
    let n = rfc7714_context()
        .protect_rtcp_with(&mut buf, plain.len(), Some(0x5d4), false)
        .unwrap();
    assert_eq!(buf[..n], expected[..]);

    let mut buf = expected.clone();
    let n = rfc7714_context().unprotect_rtcp(&mut buf).unwrap();
    assert_eq!(buf[..n], plain[..]);
    // The tag covers the clear payload: one flipped byte fails, and the buffer is restored.
    let mut forged = expected;
    forged[20] ^= 1;
    let before = forged.clone();
    assert_eq!(
        code(rfc7714_context().unprotect_rtcp(&mut forged)),
        "auth_failed"
    );
    assert_eq!(forged, before);
}
