//! AES_CM_128_HMAC_SHA1_80: AES-128 in counter mode (RFC 3711 §4.1.1) and HMAC-SHA1 truncated to
//! 80 bits (RFC 3711 §4.2.1), for SRTP and SRTCP. Keyed cipher and MAC objects are built once;
//! each packet borrows the AES key schedule and clones the keyed HMAC state (no heap).

use aes::cipher::{InnerIvInit, KeyInit, StreamCipher, StreamCipherCoreWrapper};
use aes::Aes128Enc;
use ctr::{flavors, CtrCore};
use hmac::{Hmac, Mac};
use sha1::Sha1;

use super::header::RTCP_HEADER_LEN;
use super::kdf::SessionKeys;
use super::profile::SRTCP_INDEX_LEN;
use super::SrtpError;

/// RFC 5764 §4.1.2: SRTP_AES128_CM_HMAC_SHA1_80 carries an 80-bit tag for SRTP and SRTCP.
pub(crate) const TAG_LEN: usize = 10;
/// RFC 3711 §3.4: the E flag, set when the SRTCP payload is encrypted.
const E_FLAG: u32 = 0x8000_0000;

/// One of SRTP or SRTCP: session encryption key, salt and authentication key.
pub(crate) struct CmKeys {
    cipher: Aes128Enc,
    salt: [u8; 14],
    mac: Hmac<Sha1>,
}

impl CmKeys {
    pub(crate) fn new(keys: &SessionKeys) -> Self {
        Self {
            cipher: Aes128Enc::new((&keys.encryption).into()),
            salt: keys.salt,
            mac: <Hmac<Sha1> as KeyInit>::new_from_slice(&keys.auth)
                .expect("HMAC takes keys of any length"),
        }
    }

    /// RFC 3711 §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), where i is the 48-bit
    /// SRTP packet index or, for SRTCP, the 31-bit SRTCP index.
    fn iv(&self, ssrc: u32, index: u64) -> [u8; 16] {
        let mut iv = [0u8; 16];
        iv[..14].copy_from_slice(&self.salt);
        for (d, s) in iv[4..8].iter_mut().zip(ssrc.to_be_bytes()) {
            *d ^= s;
        }
        let i = (index << 16).to_be_bytes(); // the 48 index bits in octets 0..6
        for (d, s) in iv[8..14].iter_mut().zip(&i[..6]) {
            *d ^= s;
        }
        iv
    }

    /// XORs the AES-CM keystream for (ssrc, index) into `data` (encrypts or decrypts).
    pub(crate) fn apply_keystream(&self, ssrc: u32, index: u64, data: &mut [u8]) {
        xor_aes_cm(&self.cipher, &self.iv(ssrc, index), data);
    }
}

/// AES in counter mode (RFC 3711 §4.1.1): XORs E(k, IV) || E(k, IV + 1 mod 2^128) || … into
/// `data`, borrowing the expanded key (no copy of the key schedule per packet).
pub(crate) fn xor_aes_cm(cipher: &Aes128Enc, iv: &[u8; 16], data: &mut [u8]) {
    let core = CtrCore::<&Aes128Enc, flavors::Ctr128BE>::inner_iv_init(cipher, iv.into());
    StreamCipherCoreWrapper::from_core(core).apply_keystream(data);
}

/// SRTP and SRTCP keys of one context.
pub(crate) struct CmTransform {
    pub(crate) rtp: CmKeys,
    pub(crate) rtcp: CmKeys,
}

impl CmTransform {
    /// `buf[..len]` is the plaintext packet with `header_len` header bytes; room for the tag was
    /// checked by the caller. Returns the protected length.
    pub(crate) fn protect_rtp(
        &self,
        buf: &mut [u8],
        header_len: usize,
        len: usize,
        ssrc: u32,
        index: u64,
    ) -> usize {
        self.rtp
            .apply_keystream(ssrc, index, &mut buf[header_len..len]);
        let tag = rtp_tag(&self.rtp.mac, &buf[..len], index);
        buf[len..len + TAG_LEN].copy_from_slice(&tag[..TAG_LEN]);
        len + TAG_LEN
    }

    /// `buf[..len]` is the protected packet. Verifies the tag, then decrypts; the buffer is left
    /// untouched when the tag does not verify.
    pub(crate) fn unprotect_rtp(
        &self,
        buf: &mut [u8],
        header_len: usize,
        len: usize,
        ssrc: u32,
        index: u64,
    ) -> Result<usize, SrtpError> {
        let body = len - TAG_LEN;
        // RFC 3711 §4.2: the tag covers the authenticated portion (header + encrypted payload)
        // followed by the ROC.
        let mut mac = self.rtp.mac.clone();
        mac.update(&buf[..body]);
        mac.update(&roc(index).to_be_bytes());
        mac.verify_truncated_left(&buf[body..len])
            .map_err(|_| SrtpError::AuthFailed)?;
        self.rtp
            .apply_keystream(ssrc, index, &mut buf[header_len..body]);
        Ok(body)
    }

    /// RFC 3711 §3.4: encrypts everything after the first 8 bytes (when `encrypt`), appends
    /// E flag || SRTCP index, then the tag over all of that.
    pub(crate) fn protect_rtcp(
        &self,
        buf: &mut [u8],
        len: usize,
        ssrc: u32,
        index: u32,
        encrypt: bool,
    ) -> usize {
        let mut word = index;
        if encrypt {
            self.rtcp
                .apply_keystream(ssrc, u64::from(index), &mut buf[RTCP_HEADER_LEN..len]);
            word |= E_FLAG;
        }
        let end = len + SRTCP_INDEX_LEN;
        buf[len..end].copy_from_slice(&word.to_be_bytes());
        let mut mac = self.rtcp.mac.clone();
        mac.update(&buf[..end]);
        let tag = mac.finalize().into_bytes();
        buf[end..end + TAG_LEN].copy_from_slice(&tag[..TAG_LEN]);
        end + TAG_LEN
    }

    /// `buf[..len]` is the protected packet whose E flag / index word says `encrypted` / `index`.
    pub(crate) fn unprotect_rtcp(
        &self,
        buf: &mut [u8],
        len: usize,
        ssrc: u32,
        index: u32,
        encrypted: bool,
    ) -> Result<usize, SrtpError> {
        let tag_at = len - TAG_LEN;
        let mut mac = self.rtcp.mac.clone();
        mac.update(&buf[..tag_at]);
        mac.verify_truncated_left(&buf[tag_at..len])
            .map_err(|_| SrtpError::AuthFailed)?;
        let body = tag_at - SRTCP_INDEX_LEN;
        if encrypted {
            self.rtcp
                .apply_keystream(ssrc, u64::from(index), &mut buf[RTCP_HEADER_LEN..body]);
        }
        Ok(body)
    }
}

/// The rollover counter: the high 32 bits of the 48-bit packet index (RFC 3711 §3.3.1).
fn roc(index: u64) -> u32 {
    (index >> 16) as u32
}

fn rtp_tag(mac: &Hmac<Sha1>, authenticated: &[u8], index: u64) -> [u8; 20] {
    let mut mac = mac.clone();
    mac.update(authenticated);
    mac.update(&roc(index).to_be_bytes());
    mac.finalize().into_bytes().into()
}
