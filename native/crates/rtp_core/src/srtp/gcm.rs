//! AEAD_AES_128_GCM for SRTP and SRTCP (RFC 7714): IV formation (§8.1, §9.1), associated data
//! (§8.2, §9.2, §9.3) and packet layout. The keyed AES-GCM object is built once per context.

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::Aes128Gcm;

use super::header::RTCP_HEADER_LEN;
use super::kdf::SessionKeys;
use super::profile::SRTCP_INDEX_LEN;
use super::SrtpError;

/// RFC 7714 §12: AEAD_AES_128_GCM has a 16-octet authentication tag.
pub(crate) const TAG_LEN: usize = 16;
const SALT_LEN: usize = 12;
const E_FLAG: u32 = 0x8000_0000;
/// AES-GCM refuses only plaintexts beyond 2^36 bytes; nothing we pass comes close.
const TOO_LONG: SrtpError = SrtpError::Malformed("packet too long for AES-GCM");

/// One of SRTP or SRTCP: the keyed AEAD and the 96-bit session salt.
pub(crate) struct GcmKeys {
    aead: Aes128Gcm,
    salt: [u8; SALT_LEN],
}

impl GcmKeys {
    pub(crate) fn new(keys: &SessionKeys) -> Self {
        let mut salt = [0u8; SALT_LEN];
        salt.copy_from_slice(&keys.salt[..SALT_LEN]);
        Self {
            aead: Aes128Gcm::new((&keys.encryption).into()),
            salt,
        }
    }

    fn salted(&self, mut iv: [u8; SALT_LEN]) -> [u8; SALT_LEN] {
        for (d, s) in iv.iter_mut().zip(self.salt) {
            *d ^= s;
        }
        iv
    }

    /// RFC 7714 §8.1: IV = (00 00 || SSRC || ROC || SEQ) XOR salt.
    fn rtp_iv(&self, ssrc: u32, index: u64) -> [u8; SALT_LEN] {
        let mut iv = [0u8; SALT_LEN];
        iv[2..6].copy_from_slice(&ssrc.to_be_bytes());
        iv[6..12].copy_from_slice(&(index << 16).to_be_bytes()[..6]); // ROC || SEQ
        self.salted(iv)
    }

    /// RFC 7714 §9.1: IV = (00 00 || SSRC || 00 00 || 0 || SRTCP index) XOR salt.
    fn rtcp_iv(&self, ssrc: u32, index: u32) -> [u8; SALT_LEN] {
        let mut iv = [0u8; SALT_LEN];
        iv[2..6].copy_from_slice(&ssrc.to_be_bytes());
        iv[8..12].copy_from_slice(&(index & !E_FLAG).to_be_bytes());
        self.salted(iv)
    }
}

pub(crate) struct GcmTransform {
    pub(crate) rtp: GcmKeys,
    pub(crate) rtcp: GcmKeys,
}

impl GcmTransform {
    /// RFC 7714 §8.2: the associated data is the RTP header (with CSRCs and extension); the
    /// payload is encrypted in place and the tag appended.
    pub(crate) fn protect_rtp(
        &self,
        buf: &mut [u8],
        header_len: usize,
        len: usize,
        ssrc: u32,
        index: u64,
    ) -> Result<usize, SrtpError> {
        let iv = self.rtp.rtp_iv(ssrc, index);
        let (aad, rest) = buf.split_at_mut(header_len);
        let (payload, after) = rest.split_at_mut(len - header_len);
        let tag = self
            .rtp
            .aead
            .encrypt_inout_detached((&iv).into(), aad, payload.into())
            .map_err(|_| TOO_LONG)?;
        after[..TAG_LEN].copy_from_slice(&tag);
        Ok(len + TAG_LEN)
    }

    /// Verifies and decrypts in place; the buffer is left untouched when the tag does not verify.
    pub(crate) fn unprotect_rtp(
        &self,
        buf: &mut [u8],
        header_len: usize,
        len: usize,
        ssrc: u32,
        index: u64,
    ) -> Result<usize, SrtpError> {
        let body = len - TAG_LEN;
        let iv = self.rtp.rtp_iv(ssrc, index);
        let (aad, rest) = buf.split_at_mut(header_len);
        let (payload, tag) = rest[..len - header_len].split_at_mut(body - header_len);
        let tag: [u8; TAG_LEN] = (&*tag).try_into().expect("tag slice is TAG_LEN bytes");
        self.rtp
            .aead
            .decrypt_inout_detached((&iv).into(), aad, payload.into(), (&tag).into())
            .map_err(|_| SrtpError::AuthFailed)?;
        Ok(body)
    }

    /// RFC 7714 §9.2 (`encrypt`): AAD = first 8 header bytes || E flag || SRTCP index; the rest is
    /// encrypted. §9.3 (not `encrypt`): AAD = the whole packet || E flag || index, empty
    /// plaintext. Layout either way: packet || tag || E flag || index.
    pub(crate) fn protect_rtcp(
        &self,
        buf: &mut [u8],
        len: usize,
        ssrc: u32,
        index: u32,
        encrypt: bool,
    ) -> Result<usize, SrtpError> {
        let iv = self.rtcp.rtcp_iv(ssrc, index);
        let word = if encrypt { index | E_FLAG } else { index };
        let tag = if encrypt {
            let mut aad = [0u8; RTCP_HEADER_LEN + SRTCP_INDEX_LEN];
            aad[..RTCP_HEADER_LEN].copy_from_slice(&buf[..RTCP_HEADER_LEN]);
            aad[RTCP_HEADER_LEN..].copy_from_slice(&word.to_be_bytes());
            let payload = &mut buf[RTCP_HEADER_LEN..len];
            self.rtcp
                .aead
                .encrypt_inout_detached((&iv).into(), &aad, payload.into())
                .map_err(|_| TOO_LONG)?
        } else {
            // The word goes right after the packet for a contiguous AAD, then moves behind the tag.
            buf[len..len + SRTCP_INDEX_LEN].copy_from_slice(&word.to_be_bytes());
            let empty: &mut [u8] = &mut [];
            self.rtcp
                .aead
                .encrypt_inout_detached((&iv).into(), &buf[..len + SRTCP_INDEX_LEN], empty.into())
                .map_err(|_| TOO_LONG)?
        };
        buf[len..len + TAG_LEN].copy_from_slice(&tag);
        let end = len + TAG_LEN;
        buf[end..end + SRTCP_INDEX_LEN].copy_from_slice(&word.to_be_bytes());
        Ok(end + SRTCP_INDEX_LEN)
    }

    /// `buf[..len]` is a protected packet whose trailing word says `encrypted` / `index`.
    pub(crate) fn unprotect_rtcp(
        &self,
        buf: &mut [u8],
        len: usize,
        ssrc: u32,
        index: u32,
        encrypted: bool,
    ) -> Result<usize, SrtpError> {
        let word_at = len - SRTCP_INDEX_LEN;
        let body = word_at - TAG_LEN;
        let iv = self.rtcp.rtcp_iv(ssrc, index);
        let mut tag = [0u8; TAG_LEN];
        tag.copy_from_slice(&buf[body..word_at]);
        let mut word = [0u8; SRTCP_INDEX_LEN];
        word.copy_from_slice(&buf[word_at..len]);
        if encrypted {
            let mut aad = [0u8; RTCP_HEADER_LEN + SRTCP_INDEX_LEN];
            aad[..RTCP_HEADER_LEN].copy_from_slice(&buf[..RTCP_HEADER_LEN]);
            aad[RTCP_HEADER_LEN..].copy_from_slice(&word);
            let payload = &mut buf[RTCP_HEADER_LEN..body];
            self.rtcp
                .aead
                .decrypt_inout_detached((&iv).into(), &aad, payload.into(), (&tag).into())
                .map_err(|_| SrtpError::AuthFailed)?;
        } else {
            // Contiguous AAD: put the word where the tag starts, and restore the tag on failure.
            buf[body..body + SRTCP_INDEX_LEN].copy_from_slice(&word);
            let empty: &mut [u8] = &mut [];
            let verified = self.rtcp.aead.decrypt_inout_detached(
                (&iv).into(),
                &buf[..body + SRTCP_INDEX_LEN],
                empty.into(),
                (&tag).into(),
            );
            if verified.is_err() {
                buf[body..body + SRTCP_INDEX_LEN].copy_from_slice(&tag[..SRTCP_INDEX_LEN]);
                return Err(SrtpError::AuthFailed);
            }
        }
        Ok(body)
    }
}
