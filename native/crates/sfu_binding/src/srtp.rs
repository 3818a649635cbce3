//! `BindingSrtpContext`: one direction of a DTLS-SRTP association (`rtp_core::SrtpContext`).
//! Every method works in place on a caller-owned `Uint8Array` and returns the new length; nothing
//! is allocated per packet. Errors are `"<code>: <message>"` with the codes `auth_failed`,
//! `replayed`, `too_short`, `malformed`, `bad_key` (and `invalid_argument`, `internal_error`).

use napi::bindgen_prelude::Uint8ArraySlice;
use napi::Result;
use napi_derive::napi;
use rtp_core::{SrtpContext, SrtpError, SrtpProfile};

use crate::errors::{coded, guard, invalid_argument, ErrorCode};

fn to_napi(err: SrtpError) -> napi::Error<ErrorCode> {
    coded(err.code(), err)
}

fn packet_len(len: u32, capacity: usize) -> Result<usize, ErrorCode> {
    let len = len as usize;
    if len > capacity {
        return Err(coded(
            "malformed",
            format_args!("len {len} exceeds the {capacity}-byte buffer"),
        ));
    }
    Ok(len)
}

#[napi]
pub struct BindingSrtpContext {
    inner: SrtpContext,
}

#[napi]
impl BindingSrtpContext {
    /// `profile` is the DTLS-SRTP protection profile id (1 = AES_CM_128_HMAC_SHA1_80,
    /// 7 = AEAD_AES_128_GCM); key and salt are the master key and salt of this direction.
    #[napi(constructor, catch_unwind)]
    pub fn new(
        profile: u32,
        master_key: Uint8ArraySlice<'_>,
        master_salt: Uint8ArraySlice<'_>,
    ) -> Result<Self, ErrorCode> {
        guard(|| {
            let profile = u16::try_from(profile)
                .ok()
                .and_then(SrtpProfile::from_dtls_id)
                .ok_or_else(|| {
                    invalid_argument(format_args!(
                        "unsupported SRTP protection profile {profile:#06x}"
                    ))
                })?;
            let inner = SrtpContext::new(profile, &master_key, &master_salt).map_err(to_napi)?;
            Ok(Self { inner })
        })
    }

    /// Tag bytes added to an RTP packet.
    #[napi(catch_unwind)]
    pub fn rtp_overhead(&self) -> u32 {
        self.inner.profile().rtp_overhead() as u32
    }

    /// Tag plus SRTCP index bytes added to an RTCP packet.
    #[napi(catch_unwind)]
    pub fn rtcp_overhead(&self) -> u32 {
        self.inner.profile().rtcp_overhead() as u32
    }

    /// `buf[0..len]` is a plaintext RTP packet; encrypts it in place and appends the tag (`buf`
    /// must have room). Returns the protected length.
    #[napi(catch_unwind)]
    pub fn protect_rtp(
        &mut self,
        mut buf: Uint8ArraySlice<'_>,
        len: u32,
    ) -> Result<u32, ErrorCode> {
        guard(|| {
            // SAFETY: the only typed array of this call; JS cannot run during it.
            let buf = unsafe { buf.as_mut() };
            let len = packet_len(len, buf.len())?;
            self.inner
                .protect_rtp(buf, len)
                .map(|n| n as u32)
                .map_err(to_napi)
        })
    }

    /// `buf[0..len]` is an SRTP packet; verifies, replay-checks and decrypts it in place. Returns
    /// the plaintext length.
    #[napi(catch_unwind)]
    pub fn unprotect_rtp(
        &mut self,
        mut buf: Uint8ArraySlice<'_>,
        len: u32,
    ) -> Result<u32, ErrorCode> {
        guard(|| {
            // SAFETY: as in protect_rtp.
            let buf = unsafe { buf.as_mut() };
            let len = packet_len(len, buf.len())?;
            self.inner
                .unprotect_rtp(&mut buf[..len])
                .map(|n| n as u32)
                .map_err(to_napi)
        })
    }

    /// `buf[0..len]` is a plaintext (compound) RTCP packet; encrypts it in place and appends the
    /// SRTCP index and tag. Returns the protected length.
    #[napi(catch_unwind)]
    pub fn protect_rtcp(
        &mut self,
        mut buf: Uint8ArraySlice<'_>,
        len: u32,
    ) -> Result<u32, ErrorCode> {
        guard(|| {
            // SAFETY: as in protect_rtp.
            let buf = unsafe { buf.as_mut() };
            let len = packet_len(len, buf.len())?;
            self.inner
                .protect_rtcp(buf, len)
                .map(|n| n as u32)
                .map_err(to_napi)
        })
    }

    /// `buf[0..len]` is an SRTCP packet; verifies, replay-checks and decrypts it in place. Returns
    /// the plaintext length.
    #[napi(catch_unwind)]
    pub fn unprotect_rtcp(
        &mut self,
        mut buf: Uint8ArraySlice<'_>,
        len: u32,
    ) -> Result<u32, ErrorCode> {
        guard(|| {
            // SAFETY: as in protect_rtp.
            let buf = unsafe { buf.as_mut() };
            let len = packet_len(len, buf.len())?;
            self.inner
                .unprotect_rtcp(&mut buf[..len])
                .map(|n| n as u32)
                .map_err(to_napi)
        })
    }
}
