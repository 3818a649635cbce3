//! Session key derivation, RFC 3711 §4.3, with the default key_derivation_rate of 0: every session
//! key is derived once, when the context is created, and never again (nothing is per SSRC).

use aes::Aes128Enc;

use super::cm::xor_aes_cm;

/// RFC 3711 §4.3.2 key derivation labels.
pub(crate) const LABEL_RTP_ENCRYPTION: u8 = 0x00;
pub(crate) const LABEL_RTP_AUTH: u8 = 0x01;
pub(crate) const LABEL_RTP_SALT: u8 = 0x02;
pub(crate) const LABEL_RTCP_ENCRYPTION: u8 = 0x03;
pub(crate) const LABEL_RTCP_AUTH: u8 = 0x04;
pub(crate) const LABEL_RTCP_SALT: u8 = 0x05;

/// The PRF input is 112 bits (RFC 3711 §4.3.1).
pub(crate) const PRF_SALT_LEN: usize = 14;
/// n_a for HMAC-SHA1: 160 bits (RFC 3711 §8.2).
pub(crate) const AUTH_KEY_LEN: usize = 20;

/// The keys of one of SRTP or SRTCP. `salt` holds 14 bytes; GCM uses the first 12
/// (RFC 7714 §11).
/// `auth` is all zeros for GCM, which has no separate authentication key.
#[derive(Clone)]
pub(crate) struct SessionKeys {
    pub(crate) encryption: [u8; 16],
    pub(crate) salt: [u8; PRF_SALT_LEN],
    pub(crate) auth: [u8; AUTH_KEY_LEN],
}

impl Drop for SessionKeys {
    fn drop(&mut self) {
        // Best effort: keyed cipher objects keep their own copies.
        self.encryption.fill(0);
        self.salt.fill(0);
        self.auth.fill(0);
    }
}

/// The master key and salt, ready to derive session keys.
pub(crate) struct MasterKey {
    cipher: Aes128Enc,
    salt: [u8; PRF_SALT_LEN],
}

impl MasterKey {
    /// `salt` is 14 bytes (AES-CM) or 12 bytes (GCM). RFC 7714 §11 derives the GCM keys with the
    /// RFC 3711 AES-CM PRF; its 96-bit master salt is padded on the right with two zero bytes to
    /// the PRF's 112 bits, as libsrtp and werift do (the werift interop test checks this).
    pub(crate) fn new(key: &[u8; 16], salt: &[u8]) -> Self {
        use aes::cipher::KeyInit;
        let mut padded = [0u8; PRF_SALT_LEN];
        padded[..salt.len()].copy_from_slice(salt);
        Self {
            cipher: Aes128Enc::new(key.into()),
            salt: padded,
        }
    }

    /// RFC 3711 §4.3.1: x = key_id XOR master_salt, key_id = label || (index DIV kdr), the two
    /// right-aligned. With kdr = 0, (index DIV kdr) is 0, so only the label (octet 7 of the 14)
    /// changes the salt. RFC 3711 §4.3.3: the output is the AES-CM keystream of the master key
    /// starting at IV = x * 2^16, truncated to `out.len()`.
    pub(crate) fn derive(&self, label: u8, out: &mut [u8]) {
        let mut iv = [0u8; 16];
        iv[..PRF_SALT_LEN].copy_from_slice(&self.salt);
        iv[7] ^= label;
        out.fill(0);
        xor_aes_cm(&self.cipher, &iv, out);
    }

    /// The SRTP (labels 0-2) or SRTCP (labels 3-5) session keys. `with_auth` derives the 160-bit
    /// HMAC key (AES-CM profile only).
    pub(crate) fn session_keys(&self, rtcp: bool, with_auth: bool) -> SessionKeys {
        let (enc, auth, salt) = if rtcp {
            (LABEL_RTCP_ENCRYPTION, LABEL_RTCP_AUTH, LABEL_RTCP_SALT)
        } else {
            (LABEL_RTP_ENCRYPTION, LABEL_RTP_AUTH, LABEL_RTP_SALT)
        };
        let mut keys = SessionKeys {
            encryption: [0; 16],
            salt: [0; PRF_SALT_LEN],
            auth: [0; AUTH_KEY_LEN],
        };
        self.derive(enc, &mut keys.encryption);
        self.derive(salt, &mut keys.salt);
        if with_auth {
            self.derive(auth, &mut keys.auth);
        }
        keys
    }
}

impl Drop for MasterKey {
    fn drop(&mut self) {
        self.salt.fill(0);
    }
}
