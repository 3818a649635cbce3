//! napi-rs binding of `rtp_core`: thin `Binding*` types over handles, batch calls that fill
//! caller-owned typed arrays, and errors that cross as `napi::Error` whose message starts with a
//! stable code (`"not_found: track 7 does not exist"`; the JS error's `code` property holds the code
//! too). Every export is `catch_unwind` and additionally guards its body, so a Rust panic becomes an
//! `internal_error` exception instead of aborting the process.

mod errors;
mod media_engine;
mod options;
mod router;
mod srtp;

use napi_derive::napi;

/// Bumped whenever the binding's API or the meaning of its arrays changes.
pub const ABI_VERSION: u32 = 1;

/// Version of the binding's API; `@opencalls/media` compares it with the version it expects.
#[napi(catch_unwind)]
pub fn abi_version() -> u32 {
    ABI_VERSION
}

pub use options::{BindingCodec, BindingExtension, BindingRouteOptions, BindingTrackOptions};
pub use router::BindingRouter;
pub use srtp::BindingSrtpContext;
pub use media_engine::{BindingIncoming, BindingMediaEngine, BindingMediaEngineOptions};
