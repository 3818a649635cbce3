//! The errors the router returns to its caller. Each variant has a stable snake_case [`Error::code`]
//! that crosses the napi boundary as the prefix of the message (`"not_found: track 7 does not exist"`).

use thiserror::Error;

use crate::rtp::ParseError;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Error {
    #[error("track {0} does not exist")]
    TrackNotFound(u32),
    #[error("route {0} does not exist")]
    RouteNotFound(u32),
    #[error("{0}")]
    InvalidArgument(String),
    #[error("router is closed")]
    Closed,
    #[error("handle space of this router is exhausted")]
    HandlesExhausted,
    #[error("malformed RTP packet: {0}")]
    Malformed(#[from] ParseError),
}

impl Error {
    /// Stable machine-readable code; callers branch on this, never on the message.
    pub fn code(&self) -> &'static str {
        match self {
            Error::TrackNotFound(_) | Error::RouteNotFound(_) => "not_found",
            Error::InvalidArgument(_) => "invalid_argument",
            Error::Closed => "closed",
            Error::HandlesExhausted => "limit_exceeded",
            Error::Malformed(_) => "malformed_packet",
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Error::InvalidArgument(message.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_snake_case() {
        let cases = [
            (
                Error::TrackNotFound(7),
                "not_found",
                "track 7 does not exist",
            ),
            (
                Error::RouteNotFound(3),
                "not_found",
                "route 3 does not exist",
            ),
            (Error::invalid("bad"), "invalid_argument", "bad"),
            (Error::Closed, "closed", "router is closed"),
            (
                Error::HandlesExhausted,
                "limit_exceeded",
                "handle space of this router is exhausted",
            ),
        ];
        for (err, code, message) in cases {
            assert_eq!(err.code(), code);
            assert_eq!(err.to_string(), message);
        }
        let malformed: Error = ParseError::TooShort { len: 3 }.into();
        assert_eq!(malformed.code(), "malformed_packet");
    }
}
