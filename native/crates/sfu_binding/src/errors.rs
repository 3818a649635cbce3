//! Error crossing: `rtp_core::Error` → `napi::Error<ErrorCode>`, reason `"<code>: <message>"`.

use std::panic::{catch_unwind, AssertUnwindSafe};

/// The stable code, used as the JS error's `code` property (napi-rs takes it from the status).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorCode(pub &'static str);

impl AsRef<str> for ErrorCode {
    fn as_ref(&self) -> &str {
        self.0
    }
}

pub type BindingResult<T> = napi::Result<T, ErrorCode>;

pub fn coded(code: &'static str, message: impl std::fmt::Display) -> napi::Error<ErrorCode> {
    napi::Error::new(ErrorCode(code), format!("{code}: {message}"))
}

pub fn to_napi(err: rtp_core::Error) -> napi::Error<ErrorCode> {
    coded(err.code(), err)
}

pub fn invalid_argument(message: impl std::fmt::Display) -> napi::Error<ErrorCode> {
    coded("invalid_argument", message)
}

/// Runs `f`, mapping core errors to coded napi errors and panics to `internal_error`.
pub fn guard<T>(f: impl FnOnce() -> BindingResult<T>) -> BindingResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => {
            let detail = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic payload".to_owned());
            Err(coded(
                "internal_error",
                format_args!("panic in native code: {detail}"),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_errors_keep_their_code_as_prefix() {
        let e = to_napi(rtp_core::Error::TrackNotFound(7));
        assert_eq!(e.reason, "not_found: track 7 does not exist");
        assert_eq!(e.status.as_ref(), "not_found");
    }

    #[test]
    fn panics_become_internal_errors() {
        let e = guard::<()>(|| panic!("boom")).unwrap_err();
        assert_eq!(e.reason, "internal_error: panic in native code: boom");
        assert_eq!(e.status.as_ref(), "internal_error");
        assert_eq!(guard(|| Ok(3)).ok(), Some(3));
    }
}
