//! `BindingMediaEngine`: the native media engine (one UDP socket, a receive thread doing SRTP,
//! routing and RTCP) with handle-based control calls. Control datagrams (STUN, DTLS) reach
//! JavaScript through a doorbell — a weak, non-blocking threadsafe function called at most once
//! until the next `drainControl` — and one `drainControl(out, index)` call that fills
//! caller-owned arrays. Media never crosses.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use napi::bindgen_prelude::{Float64ArraySlice, Function, Uint32ArraySlice, Uint8ArraySlice};
use napi::threadsafe_function::ThreadsafeFunctionCallMode;
use napi::Result;
use napi_derive::napi;
use rtp_core::engine::{
    Engine, EngineError, EngineOptions, IncomingSpec, COUNTER_NAMES, CONTROL_STRIDE,
};

use crate::errors::{coded, guard, invalid_argument, ErrorCode};
use crate::options::{BindingRouteOptions, BindingTrackOptions};

fn to_napi(err: EngineError) -> napi::Error<ErrorCode> {
    coded(err.code(), err)
}

fn span<T>(s: &[T]) -> (usize, usize) {
    let start = s.as_ptr() as usize;
    (start, start + std::mem::size_of_val(s))
}

fn overlap<A, B>(a: &[A], b: &[B]) -> bool {
    let ((a0, a1), (b0, b1)) = (span(a), span(b));
    a0 < a1 && b0 < b1 && a0 < b1 && b0 < a1
}

#[napi(object)]
pub struct BindingMediaEngineOptions {
    /// Address the media socket binds to, like "127.0.0.1" or "0.0.0.0".
    pub bind_address: String,
    /// 0 lets the OS choose (ignored when `portRange` is given).
    pub port: u32,
    /// `[min, max]`: bind the first free port in this range.
    pub port_range: Option<Vec<u32>>,
    /// REMB sent to publishers (bits per second); 0 disables it.
    pub remb_bitrate_bps: Option<f64>,
    /// Minimum time between two keyframe requests to one track.
    pub keyframe_interval_ms: Option<f64>,
    /// Coalesce same-destination sends with UDP GSO where the kernel offers it (default true).
    pub udp_gso: Option<bool>,
}

/// How an incoming stream of an endpoint is recognised: its SSRC, or its MID (and RID) header
/// extensions on its first packet.
#[napi(object)]
pub struct BindingIncoming {
    pub ssrc: Option<u32>,
    pub mid: Option<String>,
    pub rid: Option<String>,
    pub mid_ext_id: Option<u32>,
    pub rid_ext_id: Option<u32>,
}

fn ext_id(v: Option<u32>) -> Result<Option<u8>, ErrorCode> {
    v.map(|id| {
        u8::try_from(id)
            .ok()
            .filter(|id| *id >= 1)
            .ok_or_else(|| invalid_argument(format_args!("extension id {id} is not 1..=255")))
    })
    .transpose()
}

#[napi]
pub struct BindingMediaEngine {
    inner: Engine,
}

#[napi]
impl BindingMediaEngine {
    /// Binds the socket and starts the receive thread. `onControl` is called (without arguments)
    /// when STUN/DTLS datagrams wait in the queue; answer it with `drainControl`.
    #[napi(constructor, catch_unwind)]
    pub fn new(
        options: BindingMediaEngineOptions,
        on_control: Function<(), ()>,
    ) -> Result<Self, ErrorCode> {
        guard(|| {
            let ip: IpAddr = options.bind_address.parse().map_err(|_| {
                invalid_argument(format_args!("bindAddress {:?} is not an IP address", options.bind_address))
            })?;
            let port = u16::try_from(options.port)
                .map_err(|_| invalid_argument(format_args!("port {} is not 0..=65535", options.port)))?;
            let mut engine_options = EngineOptions::new(SocketAddr::new(ip, port));
            if let Some(range) = options.port_range {
                let [lo, hi] = range[..] else {
                    return Err(invalid_argument("portRange must be [min, max]"));
                };
                let (Ok(lo), Ok(hi)) = (u16::try_from(lo), u16::try_from(hi)) else {
                    return Err(invalid_argument("portRange must be within 1..=65535"));
                };
                if lo == 0 || lo > hi {
                    return Err(invalid_argument(format_args!("portRange [{lo}, {hi}] is empty")));
                }
                engine_options.port_range = Some((lo, hi));
            }
            if let Some(bps) = options.remb_bitrate_bps {
                if !(bps.is_finite() && bps >= 0.0) {
                    return Err(invalid_argument("rembBitrateBps must be ≥ 0"));
                }
                engine_options.config.remb_bitrate_bps = bps as u64;
            }
            if let Some(ms) = options.keyframe_interval_ms {
                if !(ms.is_finite() && ms >= 0.0) {
                    return Err(invalid_argument("keyframeIntervalMs must be ≥ 0"));
                }
                engine_options.config.keyframe_interval_ms = ms;
            }
            engine_options.gso = options.udp_gso.unwrap_or(true);
            engine_options.recv_timeout = Duration::from_millis(20);
            let tsfn = on_control
                .build_threadsafe_function::<()>()
                .weak::<true>()
                .callee_handled::<false>()
                .build_callback(|_ctx| Ok(()))
                .map_err(|e| coded("internal_error", e))?;
            let doorbell = Box::new(move || {
                tsfn.call((), ThreadsafeFunctionCallMode::NonBlocking) == napi::Status::Ok
            });
            let inner = Engine::start(engine_options, doorbell).map_err(to_napi)?;
            Ok(Self { inner })
        })
    }

    /// The bound port.
    #[napi(getter, catch_unwind)]
    pub fn local_port(&self) -> u32 {
        u32::from(self.inner.local_addr().port())
    }

    /// The bound address.
    #[napi(getter, catch_unwind)]
    pub fn local_address(&self) -> String {
        self.inner.local_addr().ip().to_string()
    }

    /// `[recordStride, counterCount]`: sizes of `drainControl` records and `readCounters` output.
    #[napi(catch_unwind)]
    pub fn layout(&self) -> Vec<u32> {
        vec![CONTROL_STRIDE as u32, COUNTER_NAMES.len() as u32]
    }

    /// Names of the counters `readCounters` fills, in order.
    #[napi(catch_unwind)]
    pub fn counter_names(&self) -> Vec<String> {
        COUNTER_NAMES.iter().map(|s| (*s).to_owned()).collect()
    }

    #[napi(catch_unwind)]
    pub fn now_ms(&self) -> Result<f64, ErrorCode> {
        guard(|| self.inner.with(|s| s.now_ms()).map_err(to_napi))
    }

    /// A new endpoint (one werift ICE transport); returns its id.
    #[napi(catch_unwind)]
    pub fn create_endpoint(&self) -> Result<u32, ErrorCode> {
        guard(|| self.inner.with(|s| s.create_endpoint()).map_err(to_napi))
    }

    /// Idempotent.
    #[napi(catch_unwind)]
    pub fn close_endpoint(&self, endpoint: u32) -> Result<(), ErrorCode> {
        guard(|| self.run(|s| s.close_endpoint(endpoint)))
    }

    /// STUN checks whose USERNAME starts with `ufrag:` belong to this endpoint; with `pwd` (the
    /// local ICE password of that ufrag) a Binding request must carry a MESSAGE-INTEGRITY made
    /// with it, or it is dropped natively.
    #[napi(catch_unwind)]
    pub fn bind_ufrag(&self, endpoint: u32, ufrag: String, pwd: Option<String>) -> Result<(), ErrorCode> {
        guard(|| {
            self.run(|s| match &pwd {
                Some(pwd) => s.bind_ice_credentials(endpoint, ufrag.as_bytes(), pwd.as_bytes()),
                None => s.bind_ufrag(endpoint, ufrag.as_bytes()),
            })
        })
    }

    /// Sends one control datagram (STUN, DTLS) for werift from the engine's socket.
    #[napi(catch_unwind)]
    pub fn send(
        &self,
        endpoint: u32,
        data: Uint8ArraySlice<'_>,
        host: String,
        port: u32,
    ) -> Result<(), ErrorCode> {
        guard(|| {
            let ip: IpAddr = host
                .parse()
                .map_err(|_| invalid_argument(format_args!("host {host:?} is not an IP address")))?;
            let port = u16::try_from(port)
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| invalid_argument(format_args!("port {port} is not 1..=65535")))?;
            let data: &[u8] = &data;
            self.run(|s| s.send_control(endpoint, data, SocketAddr::new(ip, port)))
        })
    }

    /// Installs the DTLS-exported SRTP keys; from now on media of this endpoint is native.
    #[napi(catch_unwind)]
    pub fn install_srtp(
        &self,
        endpoint: u32,
        profile: u32,
        local_key: Uint8ArraySlice<'_>,
        local_salt: Uint8ArraySlice<'_>,
        remote_key: Uint8ArraySlice<'_>,
        remote_salt: Uint8ArraySlice<'_>,
    ) -> Result<(), ErrorCode> {
        guard(|| {
            let profile = u16::try_from(profile)
                .map_err(|_| invalid_argument(format_args!("SRTP profile {profile} is out of range")))?;
            let (lk, ls, rk, rs): (&[u8], &[u8], &[u8], &[u8]) =
                (&local_key, &local_salt, &remote_key, &remote_salt);
            self.run(|s| s.install_srtp(endpoint, profile, lk, ls, rk, rs))
        })
    }

    /// Packets of `endpoint` matching `incoming` feed `track`.
    #[napi(catch_unwind)]
    pub fn map_incoming(
        &self,
        endpoint: u32,
        incoming: BindingIncoming,
        track: u32,
    ) -> Result<(), ErrorCode> {
        guard(|| {
            let spec = IncomingSpec {
                ssrc: incoming.ssrc,
                mid: incoming.mid,
                rid: incoming.rid,
                mid_ext_id: ext_id(incoming.mid_ext_id)?,
                rid_ext_id: ext_id(incoming.rid_ext_id)?,
            };
            self.run(|s| s.map_incoming(endpoint, &spec, track))
        })
    }

    #[napi(catch_unwind)]
    pub fn create_track(&self, options: BindingTrackOptions) -> Result<u32, ErrorCode> {
        guard(|| {
            let options = options.into_core()?;
            self.run(|s| s.create_track(options))
        })
    }

    /// Idempotent; closes the routes the track feeds.
    #[napi(catch_unwind)]
    pub fn close_track(&self, track: u32) -> Result<(), ErrorCode> {
        guard(|| self.run(|s| s.close_track(track)))
    }

    /// A route from `track` to the endpoint `output`; a keyframe is requested at once.
    #[napi(catch_unwind)]
    pub fn create_route(
        &self,
        track: u32,
        options: BindingRouteOptions,
        output: u32,
    ) -> Result<u32, ErrorCode> {
        guard(|| {
            let options = options.into_core()?;
            self.run(|s| s.create_route(track, options, output))
        })
    }

    #[napi(catch_unwind)]
    pub fn switch_route_source(&self, route: u32, track: u32) -> Result<(), ErrorCode> {
        guard(|| self.run(|s| s.switch_route_source(route, track)))
    }

    /// The route's packets go to endpoint `output` from now on.
    #[napi(catch_unwind)]
    pub fn set_route_output(&self, route: u32, output: u32) -> Result<(), ErrorCode> {
        guard(|| self.run(|s| s.set_route_output(route, output)))
    }

    /// Idempotent.
    #[napi(catch_unwind)]
    pub fn close_route(&self, route: u32) -> Result<(), ErrorCode> {
        guard(|| self.run(|s| s.close_route(route)))
    }

    /// Asks the track's publisher for a keyframe (rate-limited natively); true when one was sent.
    #[napi(catch_unwind)]
    pub fn request_keyframe(&self, track: u32) -> Result<bool, ErrorCode> {
        guard(|| {
            self.inner
                .with(|s| {
                    let now = s.now_ms();
                    s.request_keyframe(track, now, false)
                })
                .map_err(to_napi)
        })
    }

    /// Same contract as `BindingRouter.readActivity`.
    #[napi(catch_unwind)]
    pub fn read_activity(
        &self,
        mut handles: Uint32ArraySlice<'_>,
        mut last_packet_at_ms: Float64ArraySlice<'_>,
    ) -> Result<u32, ErrorCode> {
        guard(|| {
            if overlap(&handles, &last_packet_at_ms) {
                return Err(invalid_argument("handles and lastPacketAtMs must not share memory"));
            }
            // SAFETY: disjoint (checked above), and JS cannot run during this call.
            let (h, at) = unsafe { (handles.as_mut(), last_packet_at_ms.as_mut()) };
            let rows = self.run(|s| s.read_activity(h, at))?;
            Ok(u32::try_from(rows).unwrap_or(u32::MAX))
        })
    }

    /// Same contract as `BindingRouter.readTrackStats`.
    #[napi(catch_unwind)]
    pub fn read_track_stats(&self, track: u32, mut out: Float64ArraySlice<'_>) -> Result<(), ErrorCode> {
        guard(|| {
            // SAFETY: the only borrowed JS memory in this call; JS cannot run meanwhile.
            let out = unsafe { out.as_mut() };
            let row = out
                .get_mut(..4)
                .ok_or_else(|| invalid_argument("out needs at least 4 elements"))?;
            let s = self.run(|s| s.track_stats(track))?;
            row.copy_from_slice(&[
                s.packets as f64,
                s.bytes as f64,
                s.malformed_dropped as f64,
                s.last_packet_at_ms.unwrap_or(f64::NAN),
            ]);
            Ok(())
        })
    }

    /// Same contract as `BindingRouter.readRouteStats`.
    #[napi(catch_unwind)]
    pub fn read_route_stats(&self, route: u32, mut out: Float64ArraySlice<'_>) -> Result<(), ErrorCode> {
        guard(|| {
            // SAFETY: the only borrowed JS memory in this call; JS cannot run meanwhile.
            let out = unsafe { out.as_mut() };
            if out.len() < 3 {
                return Err(invalid_argument("out needs at least 3 elements"));
            }
            let s = self.run(|s| s.route_stats(route))?;
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

    /// ONE call for every endpoint: `ids[i]` and the authenticated SRTP/SRTCP packets it has
    /// received, `received[i]`; returns the rows written (bounded by the arrays).
    #[napi(catch_unwind)]
    pub fn read_endpoint_activity(
        &self,
        mut ids: Uint32ArraySlice<'_>,
        mut received: Float64ArraySlice<'_>,
    ) -> Result<u32, ErrorCode> {
        guard(|| {
            if overlap(&ids, &received) {
                return Err(invalid_argument("ids and received must not share memory"));
            }
            // SAFETY: disjoint (checked above), and JS cannot run during this call.
            let (i, r) = unsafe { (ids.as_mut(), received.as_mut()) };
            let n = self.inner.with(|s| s.read_endpoint_activity(i, r)).map_err(to_napi)?;
            Ok(n as u32)
        })
    }

    /// Fills `out` with the counters named by `counterNames()`; returns how many were written.
    #[napi(catch_unwind)]
    pub fn read_counters(&self, mut out: Float64ArraySlice<'_>) -> Result<u32, ErrorCode> {
        guard(|| {
            // SAFETY: the only borrowed JS memory in this call; JS cannot run meanwhile.
            let out = unsafe { out.as_mut() };
            let n = self.inner.with(|s| s.counters().fill(out)).map_err(to_napi)?;
            Ok(n as u32)
        })
    }

    /// Moves queued control datagrams into `out` back to back; record i is
    /// `index[9i..9i+9] = [endpoint, offset, length, port, family, addr0..addr3]` (IPv4 in
    /// addr0). Returns the number of records; call again while it returns a full batch.
    #[napi(catch_unwind)]
    pub fn drain_control(
        &self,
        mut out: Uint8ArraySlice<'_>,
        mut index: Uint32ArraySlice<'_>,
    ) -> Result<u32, ErrorCode> {
        guard(|| {
            if overlap(&out, &index) {
                return Err(invalid_argument("out and index must not share memory"));
            }
            // SAFETY: disjoint (checked above), and JS cannot run during this call.
            let (o, i) = unsafe { (out.as_mut(), index.as_mut()) };
            let n = self.inner.drain_control(o, i).map_err(to_napi)?;
            Ok(n as u32)
        })
    }

    /// Stops the receive thread and closes the socket; idempotent. Afterwards every other call
    /// throws `closed: …`.
    #[napi(catch_unwind)]
    pub fn close(&mut self) -> Result<(), ErrorCode> {
        guard(|| {
            self.inner.close();
            Ok(())
        })
    }

    fn run<T>(&self, f: impl FnOnce(&mut rtp_core::engine::State) -> std::result::Result<T, EngineError>) -> Result<T, ErrorCode> {
        self.inner.with(f).map_err(to_napi)?.map_err(to_napi)
    }
}
