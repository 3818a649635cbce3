//! `BindingRouter`: a `rtp_core::Router` on the monotonic clock, with handle-based control calls
//! and allocation-free per-packet and bulk-read calls over caller-owned typed arrays.

use napi::bindgen_prelude::{Float64ArraySlice, Uint32ArraySlice, Uint8ArraySlice};
use napi_derive::napi;
use rtp_core::Router;

use napi::Result;

use crate::errors::{guard, invalid_argument, to_napi, ErrorCode};
use crate::options::{BindingRouteOptions, BindingTrackOptions};

/// Byte range of a slice, for the aliasing checks below.
fn span<T>(s: &[T]) -> (usize, usize) {
    let start = s.as_ptr() as usize;
    (start, start + std::mem::size_of_val(s))
}

/// True when two typed arrays share bytes (e.g. views of one ArrayBuffer). Handing Rust a `&mut`
/// to memory that another argument also covers would be undefined behaviour, so such calls are
/// rejected before any mutable slice exists.
fn overlap<A, B>(a: &[A], b: &[B]) -> bool {
    let ((a0, a1), (b0, b1)) = (span(a), span(b));
    a0 < a1 && b0 < b1 && a0 < b1 && b0 < a1
}

#[napi]
pub struct BindingRouter {
    inner: Router,
}

#[napi]
impl BindingRouter {
    #[napi(constructor, catch_unwind)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Self {
            inner: Router::default(),
        }
    }

    /// Milliseconds on the router's monotonic clock — the clock the activity stamps use.
    #[napi(catch_unwind)]
    pub fn now_ms(&self) -> Result<f64, ErrorCode> {
        guard(|| self.inner.now_ms().map_err(to_napi))
    }

    /// Registers a publisher track; returns its handle.
    #[napi(catch_unwind)]
    pub fn create_track(&mut self, options: BindingTrackOptions) -> Result<u32, ErrorCode> {
        guard(|| {
            let options = options.into_core()?;
            self.inner.create_track(options).map_err(to_napi)
        })
    }

    /// Idempotent; closes the routes fed by this track (routes only waiting to switch to it stay
    /// on their current source).
    #[napi(catch_unwind)]
    pub fn close_track(&mut self, track: u32) -> Result<(), ErrorCode> {
        guard(|| self.inner.close_track(track).map_err(to_napi))
    }

    /// Creates a subscriber output fed by `track`; returns its handle. Video routes start at the
    /// track's next keyframe.
    #[napi(catch_unwind)]
    pub fn create_route(
        &mut self,
        track: u32,
        options: BindingRouteOptions,
    ) -> Result<u32, ErrorCode> {
        guard(|| {
            let options = options.into_core()?;
            self.inner.create_route(track, options).map_err(to_napi)
        })
    }

    /// Moves the route to another track. The old source keeps flowing until the new one's next
    /// keyframe; then seq continues with last+1 and the timestamp advances by the elapsed time.
    #[napi(catch_unwind)]
    pub fn switch_route_source(&mut self, route: u32, track: u32) -> Result<(), ErrorCode> {
        guard(|| {
            self.inner
                .switch_route_source(route, track)
                .map_err(to_napi)
        })
    }

    /// Idempotent.
    #[napi(catch_unwind)]
    pub fn close_route(&mut self, route: u32) -> Result<(), ErrorCode> {
        guard(|| self.inner.close_route(route).map_err(to_napi))
    }

    /// Per received packet: stamp activity, decide+rewrite for each route into `out`; `outIndex`
    /// gets [route, offset, length] triples. Returns packets written. Must not allocate JS objects.
    /// The three arrays must not share memory.
    #[napi(catch_unwind)]
    pub fn ingest(
        &mut self,
        track: u32,
        packet: Uint8ArraySlice<'_>,
        mut out: Uint8ArraySlice<'_>,
        mut out_index: Uint32ArraySlice<'_>,
    ) -> Result<u32, ErrorCode> {
        guard(|| {
            let (p, o, i): (&[u8], &[u8], &[u32]) = (&packet, &out, &out_index);
            if overlap(p, o) || overlap(p, i) || overlap(o, i) {
                return Err(invalid_argument(
                    "packet, out and outIndex must not share memory",
                ));
            }
            // SAFETY: the arrays were checked to be disjoint, and JS cannot run during this call.
            let (out, out_index) = unsafe { (out.as_mut(), out_index.as_mut()) };
            self.inner
                .ingest(track, &packet, out, out_index)
                .map_err(to_napi)
        })
    }

    /// ONE call: fills handles[i] and lastPacketAtMs[i] for every open track (lastPacketAtMs = NaN
    /// if none yet); returns the count written (bounded by the arrays' lengths).
    #[napi(catch_unwind)]
    pub fn read_activity(
        &self,
        mut handles: Uint32ArraySlice<'_>,
        mut last_packet_at_ms: Float64ArraySlice<'_>,
    ) -> Result<u32, ErrorCode> {
        guard(|| {
            if overlap(&handles, &last_packet_at_ms) {
                return Err(invalid_argument(
                    "handles and lastPacketAtMs must not share memory",
                ));
            }
            // SAFETY: disjoint (checked above), and JS cannot run during this call.
            let (h, at) = unsafe { (handles.as_mut(), last_packet_at_ms.as_mut()) };
            let rows = self.inner.read_activity(h, at).map_err(to_napi)?;
            Ok(u32::try_from(rows).unwrap_or(u32::MAX))
        })
    }

    /// Fills out[0..4] = packets, bytes, malformedDropped, lastPacketAtMs (NaN if none).
    #[napi(catch_unwind)]
    pub fn read_track_stats(
        &self,
        track: u32,
        mut out: Float64ArraySlice<'_>,
    ) -> Result<(), ErrorCode> {
        guard(|| {
            // SAFETY: the only borrowed JS memory in this call; JS cannot run meanwhile.
            let out = unsafe { out.as_mut() };
            let row = out
                .get_mut(..4)
                .ok_or_else(|| invalid_argument("out needs at least 4 elements"))?;
            let s = self.inner.track_stats(track).map_err(to_napi)?;
            row.copy_from_slice(&[
                s.packets as f64,
                s.bytes as f64,
                s.malformed_dropped as f64,
                s.last_packet_at_ms.unwrap_or(f64::NAN),
            ]);
            Ok(())
        })
    }

    /// Fills out[0..3] = packetsForwarded, bytesForwarded, droppedWaitingKeyframe; and, when `out`
    /// is long enough, out[3] = droppedOverflow (no room in out/outIndex), out[4] = droppedOther
    /// (duplicates, pre-start, unmapped payload type).
    #[napi(catch_unwind)]
    pub fn read_route_stats(
        &self,
        route: u32,
        mut out: Float64ArraySlice<'_>,
    ) -> Result<(), ErrorCode> {
        guard(|| {
            // SAFETY: the only borrowed JS memory in this call; JS cannot run meanwhile.
            let out = unsafe { out.as_mut() };
            if out.len() < 3 {
                return Err(invalid_argument("out needs at least 3 elements"));
            }
            let s = self.inner.route_stats(route).map_err(to_napi)?;
            let all = [
                s.packets_forwarded as f64,
                s.bytes_forwarded as f64,
                s.dropped_waiting_keyframe as f64,
                s.dropped_overflow as f64,
                s.dropped_other as f64,
            ];
            let n = out.len().min(all.len());
            out[..n].copy_from_slice(&all[..n]);
            Ok(())
        })
    }

    /// Number of open tracks and routes: out[0]=tracks, out[1]=routes.
    #[napi(catch_unwind)]
    pub fn read_counts(&self, mut out: Float64ArraySlice<'_>) -> Result<(), ErrorCode> {
        guard(|| {
            // SAFETY: the only borrowed JS memory in this call; JS cannot run meanwhile.
            let out = unsafe { out.as_mut() };
            let row = out
                .get_mut(..2)
                .ok_or_else(|| invalid_argument("out needs at least 2 elements"))?;
            let (tracks, routes) = self.inner.counts().map_err(to_napi)?;
            row.copy_from_slice(&[tracks as f64, routes as f64]);
            Ok(())
        })
    }

    /// Closes every route and track; idempotent. Afterwards every other method throws `closed: ...`.
    #[napi(catch_unwind)]
    pub fn close(&mut self) -> Result<(), ErrorCode> {
        guard(|| {
            self.inner.close();
            Ok(())
        })
    }
}
