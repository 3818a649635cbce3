//! The two DTLS-SRTP protection profiles WebRTC negotiates, with their key, salt and tag sizes.

/// A DTLS-SRTP protection profile (RFC 5764 §4.1.2, RFC 7714 §14.2).
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SrtpProfile {
    /// SRTP_AES128_CM_HMAC_SHA1_80 (0x0001): AES-128 counter mode, HMAC-SHA1 tag truncated to
    /// 80 bits.
    Aes128CmHmacSha1_80,
    /// SRTP_AEAD_AES_128_GCM (0x0007): AES-128-GCM with a 16-byte tag (RFC 7714).
    AeadAes128Gcm,
}

impl SrtpProfile {
    /// The profile for a DTLS `use_srtp` protection-profile id; `None` for profiles we do not
    /// implement.
    pub fn from_dtls_id(id: u16) -> Option<Self> {
        match id {
            0x0001 => Some(Self::Aes128CmHmacSha1_80),
            0x0007 => Some(Self::AeadAes128Gcm),
            _ => None,
        }
    }

    /// The DTLS `use_srtp` protection-profile id.
    pub fn dtls_id(self) -> u16 {
        match self {
            Self::Aes128CmHmacSha1_80 => 0x0001,
            Self::AeadAes128Gcm => 0x0007,
        }
    }

    /// The registered profile name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Aes128CmHmacSha1_80 => "SRTP_AES128_CM_HMAC_SHA1_80",
            Self::AeadAes128Gcm => "SRTP_AEAD_AES_128_GCM",
        }
    }

    /// Master key length in bytes (both profiles use AES-128).
    pub fn key_len(self) -> usize {
        16
    }

    /// Master salt length in bytes: 112 bits for AES-CM (RFC 3711 §8.2), 96 bits for GCM
    /// (RFC 7714 §12).
    pub fn salt_len(self) -> usize {
        match self {
            Self::Aes128CmHmacSha1_80 => 14,
            Self::AeadAes128Gcm => 12,
        }
    }

    /// Bytes SRTP adds to an RTP packet: the authentication tag.
    pub fn rtp_overhead(self) -> usize {
        self.tag_len()
    }

    /// Bytes SRTCP adds to an RTCP packet: the tag plus the 4-byte E flag and SRTCP index word.
    pub fn rtcp_overhead(self) -> usize {
        self.tag_len() + SRTCP_INDEX_LEN
    }

    pub(crate) fn tag_len(self) -> usize {
        match self {
            Self::Aes128CmHmacSha1_80 => crate::srtp::cm::TAG_LEN,
            Self::AeadAes128Gcm => crate::srtp::gcm::TAG_LEN,
        }
    }

    /// Where the E flag and SRTCP index word starts in a protected RTCP packet of `len` bytes:
    /// before the tag for AES-CM (RFC 3711 §3.4), after it for GCM (RFC 7714 §9.2, Figure 3).
    pub(crate) fn srtcp_index_offset(self, len: usize) -> usize {
        match self {
            Self::Aes128CmHmacSha1_80 => len - self.tag_len() - SRTCP_INDEX_LEN,
            Self::AeadAes128Gcm => len - SRTCP_INDEX_LEN,
        }
    }
}

/// The E flag plus the 31-bit SRTCP index (RFC 3711 §3.4).
pub(crate) const SRTCP_INDEX_LEN: usize = 4;

impl std::fmt::Display for SrtpProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
