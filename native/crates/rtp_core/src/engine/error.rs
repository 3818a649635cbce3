//! Errors of the engine's control-plane calls, each with a stable code (see [`crate::Error`]).

use thiserror::Error;

use crate::srtp::SrtpError;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EngineError {
    #[error(transparent)]
    Router(#[from] crate::Error),
    #[error("endpoint {0} does not exist")]
    EndpointNotFound(u32),
    #[error("{0}")]
    InvalidArgument(String),
    #[error("SRTP: {0}")]
    Srtp(SrtpError),
    #[error("media engine is closed")]
    Closed,
    #[error("socket: {0}")]
    Io(String),
}

impl EngineError {
    pub fn code(&self) -> &'static str {
        match self {
            EngineError::Router(e) => e.code(),
            EngineError::EndpointNotFound(_) => "not_found",
            EngineError::InvalidArgument(_) => "invalid_argument",
            EngineError::Srtp(_) => "invalid_argument",
            EngineError::Closed => "closed",
            EngineError::Io(_) => "io_error",
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        EngineError::InvalidArgument(message.into())
    }

    pub(crate) fn srtp(e: SrtpError) -> Self {
        EngineError::Srtp(e)
    }
}
