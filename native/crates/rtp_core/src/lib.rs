//! OpenCalls media-plane core: pure Rust, no napi.
//!
//! - [`rtp`]: zero-copy RTP header view (RFC 3550, RFC 8285 header extensions).
//! - [`keyframe`]: "can a decoder start here?" for VP8, VP9, H.264, H.265 and AV1.
//! - [`activity`]: per-track last-packet timestamps and counters, with an injectable [`Clock`].
//! - [`mapping`]: payload-type and header-extension-id tables between a publisher and a subscriber.
//! - [`forwarder`]: the per-route forwarding decision (keyframe gate, seq/ts continuity, source switch).
//! - [`rewrite`]: writes a forwarded packet with the route's SSRC, PT, seq, ts and extension ids.
//! - [`router`]: owns tracks and routes by `u32` handle; `ingest` ties the pieces together.
//! - [`srtp`]: SRTP/SRTCP protect and unprotect in place (AES_CM_128_HMAC_SHA1_80, AEAD_AES_128_GCM).
//! - [`demux`]: RFC 7983 first-byte demultiplexing (STUN, DTLS, RTP, RTCP); [`stun`]: a tolerant
//!   STUN reader for routing ICE checks by USERNAME.
//! - [`rtcp`]: zero-copy RTCP compound reader and writers (SR, RR, PLI, FIR, NACK, REMB);
//!   [`rtcp_stats`]: report-block and sender-report statistics (RFC 3550 A.3, A.8);
//!   [`retransmit`]: per-output-stream packet ring answering NACKs.
//!
//! Nothing here panics on packet input: parsers return [`ParseError`], the router counts malformed
//! packets and drops them.

pub mod activity;
pub mod demux;
pub mod engine;
pub mod error;
pub mod forwarder;
pub mod keyframe;
pub mod mapping;
pub mod net;
pub mod retransmit;
pub mod rewrite;
pub mod router;
pub mod rtcp;
pub mod rtcp_stats;
pub mod rtp;
pub mod seq;
pub mod slab;
pub mod srtp;
pub mod stun;
pub mod twcc;

#[cfg(test)]
mod fuzz_tests;
#[cfg(test)]
pub(crate) mod test_util;

pub use activity::{ActivityTable, Clock, ManualClock, MonotonicClock, TrackActivity};
pub use error::Error;
pub use forwarder::{DropReason, Forwarder, PacketMeta, Verdict};
pub use keyframe::{is_keyframe, CodecKind};
pub use mapping::{Codec, ExtensionMap, HeaderExtension, PayloadTypeMap};
pub use router::{MediaKind, RouteOptions, RouteStats, Router, TrackOptions, TrackStats};
pub use rtp::{ParseError, RtpPacket};
pub use srtp::{SrtpContext, SrtpError, SrtpProfile};
