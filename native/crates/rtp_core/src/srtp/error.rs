//! SRTP errors. Each variant has a stable snake_case [`SrtpError::code`] that crosses the napi
//! boundary as the prefix of the message (`"auth_failed: authentication tag does not match"`).

use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum SrtpError {
    /// The tag did not verify (forged or corrupted packet, wrong key, or a wrong ROC guess).
    #[error("authentication tag does not match")]
    AuthFailed,
    /// The replay check failed (RFC 3711 §3.3.2). `index` is the estimated packet index, or the
    /// SRTCP index; it is negative when the packet would precede the stream's first packet.
    #[error("SSRC {ssrc:#010x}, packet index {index}: {reason}")]
    Replayed {
        ssrc: u32,
        index: i64,
        reason: &'static str,
    },
    /// The packet is shorter than a header plus the profile's overhead.
    #[error("packet of {len} bytes is shorter than the {min}-byte minimum")]
    TooShort { len: usize, min: usize },
    /// The caller's buffer cannot hold the protected packet.
    #[error("buffer of {capacity} bytes has no room for the {needed}-byte protected packet")]
    NoRoom { capacity: usize, needed: usize },
    /// Not an RTP/RTCP packet we can process (version, header lengths, arguments).
    #[error("{0}")]
    Malformed(&'static str),
    /// A master key or salt of the wrong length for the profile.
    #[error("{what} must be {expected} bytes for {profile}, got {got}")]
    BadKeyLength {
        what: &'static str,
        profile: &'static str,
        expected: usize,
        got: usize,
    },
    /// The key may not protect more packets (RFC 3711 §9.2: at most 2^31 SRTCP packets per key).
    #[error("{0}")]
    KeyExhausted(&'static str),
}

impl SrtpError {
    /// Stable machine-readable code; callers branch on this, never on the message.
    pub fn code(&self) -> &'static str {
        match self {
            SrtpError::AuthFailed => "auth_failed",
            SrtpError::Replayed { .. } => "replayed",
            SrtpError::TooShort { .. } | SrtpError::NoRoom { .. } => "too_short",
            SrtpError::Malformed(_) => "malformed",
            SrtpError::BadKeyLength { .. } | SrtpError::KeyExhausted(_) => "bad_key",
        }
    }
}
