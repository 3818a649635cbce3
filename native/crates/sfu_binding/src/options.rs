//! Plain option objects (copied from JS on the control-plane calls only) and their conversion into
//! `rtp_core` types with range checks.

use napi_derive::napi;
use rtp_core::{Codec, HeaderExtension, MediaKind, RouteOptions, TrackOptions};

use crate::errors::{invalid_argument, to_napi, BindingResult};

#[napi(object)]
pub struct BindingCodec {
    pub payload_type: u32,
    /// Like `"video/VP8"` or `"audio/opus"`; compared case-insensitively.
    pub mime_type: String,
    pub clock_rate: u32,
}

#[napi(object)]
pub struct BindingExtension {
    pub id: u32,
    pub uri: String,
}

#[napi(object)]
pub struct BindingTrackOptions {
    #[napi(ts_type = "'audio' | 'video'")]
    pub kind: String,
    pub codecs: Vec<BindingCodec>,
    pub extensions: Vec<BindingExtension>,
}

#[napi(object)]
pub struct BindingRouteOptions {
    /// SSRC written into every packet of this route.
    pub ssrc: u32,
    /// The subscriber's codecs with the subscriber's payload types.
    pub codecs: Vec<BindingCodec>,
    /// The subscriber's header extensions with the subscriber's ids.
    pub extensions: Vec<BindingExtension>,
}

fn codecs(list: Vec<BindingCodec>) -> BindingResult<Vec<Codec>> {
    list.into_iter()
        .map(|c| {
            let payload_type = u8::try_from(c.payload_type)
                .ok()
                .filter(|pt| *pt <= 127)
                .ok_or_else(|| {
                    invalid_argument(format_args!("payload type {} is above 127", c.payload_type))
                })?;
            Ok(Codec {
                payload_type,
                mime_type: c.mime_type,
                clock_rate: c.clock_rate,
            })
        })
        .collect()
}

fn extensions(list: Vec<BindingExtension>) -> BindingResult<Vec<HeaderExtension>> {
    list.into_iter()
        .map(|e| {
            let id = u8::try_from(e.id).map_err(|_| {
                invalid_argument(format_args!("header extension id {} is above 255", e.id))
            })?;
            Ok(HeaderExtension { id, uri: e.uri })
        })
        .collect()
}

impl BindingTrackOptions {
    pub fn into_core(self) -> BindingResult<TrackOptions> {
        Ok(TrackOptions {
            kind: MediaKind::from_name(&self.kind).map_err(to_napi)?,
            codecs: codecs(self.codecs)?,
            extensions: extensions(self.extensions)?,
        })
    }
}

impl BindingRouteOptions {
    pub fn into_core(self) -> BindingResult<RouteOptions> {
        Ok(RouteOptions {
            ssrc: self.ssrc,
            codecs: codecs(self.codecs)?,
            extensions: extensions(self.extensions)?,
            start_seq: None,
            start_ts: None,
        })
    }
}
