//! [`SrtpContext`]: one direction of one DTLS-SRTP association, for all of its SSRCs.

use super::cm::{CmKeys, CmTransform};
use super::gcm::{GcmKeys, GcmTransform};
use super::header::{be_u16, be_u32, check_rtcp, rtp_header_len, RTCP_HEADER_LEN, RTP_HEADER_LEN};
use super::kdf::{MasterKey, SessionKeys};
use super::replay::{estimate_index, ReplayWindow};
use super::ssrc_map::SsrcMap;
use super::{SrtpError, SrtpProfile};

/// RFC 3711 §3.4: the SRTCP index is 31 bits; a key protects at most 2^31 SRTCP packets per SSRC
/// stream (RFC 3711 §9.2).
const SRTCP_INDEX_LIMIT: u32 = 1 << 31;

// One per context; both variants are a few hundred bytes, kept inline to avoid an indirection per
// packet.
#[allow(clippy::large_enum_variant)]
enum Transform {
    Cm(CmTransform),
    Gcm(GcmTransform),
}

/// SRTP/SRTCP state for one direction of one DTLS-SRTP association (all SSRCs).
///
/// Session keys are derived once in [`new`](Self::new) (key_derivation_rate 0). Per SSRC the
/// context keeps what RFC 3711 §3.2 requires: for sending, the highest packet index sent and the
/// next SRTCP index; for receiving, the highest authenticated index (ROC and s_l) with a 64-packet
/// replay window, for SRTP and SRTCP. Sending and receiving state are separate, so a context used
/// for both (tests) does not confuse the two.
///
/// No method allocates per packet: protect/unprotect work in place in the caller's buffer. A
/// packet that fails any check leaves the state unchanged, and a failed tag leaves the buffer
/// unchanged.
pub struct SrtpContext {
    profile: SrtpProfile,
    transform: Transform,
    /// Highest SRTP packet index sent, per SSRC.
    sent_rtp: SsrcMap<u64>,
    /// Next SRTCP index to send, per sender SSRC.
    sent_rtcp: SsrcMap<u32>,
    received_rtp: SsrcMap<ReplayWindow>,
    received_rtcp: SsrcMap<ReplayWindow>,
}

impl SrtpContext {
    /// Derives the session keys (RFC 3711 §4.3) from a DTLS-SRTP master key and salt.
    pub fn new(
        profile: SrtpProfile,
        master_key: &[u8],
        master_salt: &[u8],
    ) -> Result<Self, SrtpError> {
        let bad = |what, expected, got| SrtpError::BadKeyLength {
            what,
            profile: profile.name(),
            expected,
            got,
        };
        let key: &[u8; 16] = master_key
            .try_into()
            .map_err(|_| bad("master key", profile.key_len(), master_key.len()))?;
        if master_salt.len() != profile.salt_len() {
            return Err(bad("master salt", profile.salt_len(), master_salt.len()));
        }
        let master = MasterKey::new(key, master_salt);
        let with_auth = profile == SrtpProfile::Aes128CmHmacSha1_80;
        let rtp = master.session_keys(false, with_auth);
        let rtcp = master.session_keys(true, with_auth);
        Ok(Self::from_session_keys(profile, &rtp, &rtcp))
    }

    /// A context from already-derived session keys (the RFC 7714 vectors are given that way).
    pub(crate) fn from_session_keys(
        profile: SrtpProfile,
        rtp: &SessionKeys,
        rtcp: &SessionKeys,
    ) -> Self {
        let transform = match profile {
            SrtpProfile::Aes128CmHmacSha1_80 => Transform::Cm(CmTransform {
                rtp: CmKeys::new(rtp),
                rtcp: CmKeys::new(rtcp),
            }),
            SrtpProfile::AeadAes128Gcm => Transform::Gcm(GcmTransform {
                rtp: GcmKeys::new(rtp),
                rtcp: GcmKeys::new(rtcp),
            }),
        };
        Self {
            profile,
            transform,
            sent_rtp: SsrcMap::new(),
            sent_rtcp: SsrcMap::new(),
            received_rtp: SsrcMap::new(),
            received_rtcp: SsrcMap::new(),
        }
    }

    pub fn profile(&self) -> SrtpProfile {
        self.profile
    }

    /// Encrypts in place: `buf[..len]` is a plaintext RTP packet; `buf` must have room for the tag;
    /// returns the new length.
    pub fn protect_rtp(&mut self, buf: &mut [u8], len: usize) -> Result<usize, SrtpError> {
        let packet = buf
            .get(..len)
            .ok_or(SrtpError::Malformed("len exceeds the buffer"))?;
        let header_len = rtp_header_len(packet)?;
        room(buf, len + self.profile.rtp_overhead())?;
        let (seq, ssrc) = (be_u16(buf, 2), be_u32(buf, 8));
        let slot = self.sent_rtp.find(ssrc);
        // RFC 3711 §3.3.1: the sender's ROC counts wraps of its own sequence numbers; estimating
        // from the highest index sent also gives resent (older) packets their original index.
        let index = match slot {
            Ok(at) => u64::try_from(estimate_index(*self.sent_rtp.get(at), seq)).map_err(|_| {
                SrtpError::Malformed("sequence number precedes the stream's first packet")
            })?,
            Err(_) => u64::from(seq),
        };
        let out = match &self.transform {
            Transform::Cm(t) => t.protect_rtp(buf, header_len, len, ssrc, index),
            Transform::Gcm(t) => t.protect_rtp(buf, header_len, len, ssrc, index)?,
        };
        match slot {
            Ok(at) => {
                let highest = self.sent_rtp.get_mut(at);
                *highest = (*highest).max(index);
            }
            Err(_) => self.sent_rtp.insert(ssrc, index),
        }
        Ok(out)
    }

    /// Verifies (tag) and replay-checks, then decrypts in place; returns the plaintext length.
    pub fn unprotect_rtp(&mut self, buf: &mut [u8]) -> Result<usize, SrtpError> {
        let len = buf.len();
        let min = RTP_HEADER_LEN + self.profile.rtp_overhead();
        if len < min {
            return Err(SrtpError::TooShort { len, min });
        }
        let header_len = rtp_header_len(&buf[..len - self.profile.rtp_overhead()])?;
        let (seq, ssrc) = (be_u16(buf, 2), be_u32(buf, 8));
        let slot = self.received_rtp.find(ssrc);
        // RFC 3711 §3.3: index estimation and the replay check come before authentication; the
        // state is updated only once the tag verified (§3.3.1, §3.3.2).
        let index = match slot {
            Ok(at) => {
                let window = self.received_rtp.get(at);
                window.check(ssrc, estimate_index(window.highest(), seq))?
            }
            // RFC 3711 §3.3.1: a new stream starts with ROC = 0 and s_l = its first SEQ.
            Err(_) => u64::from(seq),
        };
        let out = match &self.transform {
            Transform::Cm(t) => t.unprotect_rtp(buf, header_len, len, ssrc, index)?,
            Transform::Gcm(t) => t.unprotect_rtp(buf, header_len, len, ssrc, index)?,
        };
        match slot {
            Ok(at) => self.received_rtp.get_mut(at).accept(index),
            Err(_) => self
                .received_rtp
                .insert(ssrc, ReplayWindow::starting_at(index)),
        }
        Ok(out)
    }

    /// Encrypts in place: `buf[..len]` is a plaintext (compound) RTCP packet; `buf` must have room
    /// for the SRTCP index and tag; returns the new length. Always sets the E flag.
    pub fn protect_rtcp(&mut self, buf: &mut [u8], len: usize) -> Result<usize, SrtpError> {
        self.protect_rtcp_with(buf, len, None, true)
    }

    /// [`protect_rtcp`](Self::protect_rtcp) with a chosen SRTCP index and E flag (test vectors).
    pub(crate) fn protect_rtcp_with(
        &mut self,
        buf: &mut [u8],
        len: usize,
        forced_index: Option<u32>,
        encrypt: bool,
    ) -> Result<usize, SrtpError> {
        let packet = buf
            .get(..len)
            .ok_or(SrtpError::Malformed("len exceeds the buffer"))?;
        check_rtcp(packet, RTCP_HEADER_LEN)?;
        room(buf, len + self.profile.rtcp_overhead())?;
        let ssrc = be_u32(buf, 4);
        let slot = self.sent_rtcp.find(ssrc);
        // RFC 3711 §3.4: the SRTCP index starts at 0 and counts every SRTCP packet of the stream.
        let index = forced_index.unwrap_or(match slot {
            Ok(at) => *self.sent_rtcp.get(at),
            Err(_) => 0,
        });
        if index >= SRTCP_INDEX_LIMIT {
            return Err(SrtpError::KeyExhausted(
                "SRTCP index space of this SSRC is exhausted; the key must be renewed",
            ));
        }
        let out = match &self.transform {
            Transform::Cm(t) => t.protect_rtcp(buf, len, ssrc, index, encrypt),
            Transform::Gcm(t) => t.protect_rtcp(buf, len, ssrc, index, encrypt)?,
        };
        match slot {
            Ok(at) => *self.sent_rtcp.get_mut(at) = index + 1,
            Err(_) => self.sent_rtcp.insert(ssrc, index + 1),
        }
        Ok(out)
    }

    /// Verifies (tag) and replay-checks, then decrypts in place; returns the plaintext length.
    /// Accepts packets with the E flag clear (authenticated, not encrypted; RFC 3711 §3.4).
    pub fn unprotect_rtcp(&mut self, buf: &mut [u8]) -> Result<usize, SrtpError> {
        let len = buf.len();
        check_rtcp(buf, RTCP_HEADER_LEN + self.profile.rtcp_overhead())?;
        let ssrc = be_u32(buf, 4);
        let word = be_u32(buf, self.profile.srtcp_index_offset(len));
        let (encrypted, index) = (word >> 31 == 1, word & (SRTCP_INDEX_LIMIT - 1));
        let slot = self.received_rtcp.find(ssrc);
        if let Ok(at) = slot {
            self.received_rtcp.get(at).check(ssrc, i64::from(index))?;
        }
        let out = match &self.transform {
            Transform::Cm(t) => t.unprotect_rtcp(buf, len, ssrc, index, encrypted)?,
            Transform::Gcm(t) => t.unprotect_rtcp(buf, len, ssrc, index, encrypted)?,
        };
        let index = u64::from(index);
        match slot {
            Ok(at) => self.received_rtcp.get_mut(at).accept(index),
            Err(_) => self
                .received_rtcp
                .insert(ssrc, ReplayWindow::starting_at(index)),
        }
        Ok(out)
    }

    /// Number of SSRCs with receive state (SRTP, SRTCP); for tests and stats.
    pub fn received_streams(&self) -> (usize, usize) {
        (self.received_rtp.len(), self.received_rtcp.len())
    }
}

fn room(buf: &[u8], needed: usize) -> Result<(), SrtpError> {
    if buf.len() < needed {
        return Err(SrtpError::NoRoom {
            capacity: buf.len(),
            needed,
        });
    }
    Ok(())
}
