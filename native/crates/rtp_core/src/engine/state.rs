//! Everything the engine knows, behind one lock: the router (tracks, routes, rewriting), the
//! endpoint table, per-track and per-route extras (keyframe requests, SR and NACK state), the
//! counters and the control queue. The control-plane operations are here; the per-datagram path
//! is in `datagram.rs`, the RTCP the engine sends in `rtcp_out.rs`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use super::control_queue::ControlQueue;
use super::counters::{Counter, Counters};
use super::endpoint::{EndpointTable, IncomingSpec, SrtpPair};
use super::error::EngineError;
use super::outbox::Outbox;
use super::sent_ring::SentRing;
use crate::activity::{Clock, MonotonicClock};
use crate::demux::{classify, DatagramKind};
use crate::net::BatchSocket;
use crate::retransmit::RetransmitCache;
use crate::router::{MediaKind, RouteOptions, RouteStats, Router, TrackOptions, TrackStats};
use crate::rtcp_stats::SendStats;
use crate::srtp::{SrtpContext, SrtpProfile};

/// Datagrams the send batch holds before it is flushed (≈ 1.6 MiB of slots). Large enough that
/// the copies of a few packets to a few hundred subscribers go out together, so that UDP GSO
/// finds each subscriber's run of packets in one batch.
const SEND_BATCH: usize = 1024;

/// Tunables of the engine's native RTCP and buffers.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// REMB sent to publishers about once per RTCP interval, so browsers do not hold their send
    /// bitrate down; there is no bandwidth estimation behind it.
    pub remb_bitrate_bps: u64,
    /// Keyframe requests (PLI) to one track are at least this far apart (new routes excepted).
    pub keyframe_interval_ms: f64,
    /// SR, RR and REMB period.
    pub rtcp_interval_ms: f64,
    /// Packets kept per video track to answer NACKs (of every route it feeds).
    pub retransmit_capacity: usize,
    pub control_max_items: usize,
    pub control_max_bytes: usize,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            remb_bitrate_bps: 10_000_000,
            keyframe_interval_ms: 300.0,
            rtcp_interval_ms: 1000.0,
            retransmit_capacity: 256,
            control_max_items: 4096,
            control_max_bytes: 4 << 20,
        }
    }
}

/// Largest RTP packet kept for retransmission (forwarded copies are ≤ the receive slot).
pub(crate) const MAX_MEDIA_PACKET: usize = 1500;

#[derive(Debug)]
pub(crate) struct TrackIn {
    pub endpoint: Option<u32>,
    pub kind: MediaKind,
    pub clock_rate: u32,
    /// SSRC of the latest packet, the target of keyframe requests.
    pub last_ssrc: Option<u32>,
    pub last_keyframe_request_ms: f64,
    /// The publisher's latest sender report on this track: (NTP, RTP timestamp, arrival ms).
    pub last_sr: Option<(u64, u32, f64)>,
    /// Video: the packets received lately, by input sequence number; NACKs of every route fed by
    /// this track are answered from here (see `sent_ring.rs`).
    pub cache: Option<RetransmitCache>,
    /// The publisher's id of the transport-wide sequence number extension, when negotiated.
    pub twcc_ext: Option<u8>,
}

pub(crate) struct RouteOut {
    pub endpoint: u32,
    pub ssrc: u32,
    pub clock_rate: u32,
    /// Video: the headers this route sent lately, for NACKs.
    pub sent: Option<SentRing>,
    pub send: SendStats,
    /// `(source track, output ts − input ts)` of the latest forwarded packet: maps the source's
    /// sender reports into this output's timestamps.
    pub ts_offset: Option<(u32, u32)>,
}

pub struct State<C: Clock = MonotonicClock> {
    pub(crate) config: EngineConfig,
    pub(crate) router: Router<C>,
    pub(crate) endpoints: EndpointTable,
    pub(crate) tracks: HashMap<u32, TrackIn>,
    pub(crate) routes: HashMap<u32, RouteOut>,
    pub(crate) counters: Counters,
    pub(crate) control: ControlQueue,
    pub(crate) out: Outbox,
    /// Router output for one packet: copies back to back, `[route, offset, len]` triples.
    pub(crate) fwd_buf: Vec<u8>,
    pub(crate) fwd_index: Vec<u32>,
    /// Scratch for RTCP the engine writes.
    pub(crate) rtcp_buf: Vec<u8>,
    pub(crate) last_rtcp_ms: f64,
    pub(crate) last_nack_ms: f64,
    pub(crate) last_twcc_ms: f64,
    pub(crate) nack_scratch: Vec<u16>,
    rng: u64,
}

impl State<MonotonicClock> {
    pub fn new(config: EngineConfig, socket: Option<Arc<BatchSocket>>) -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x5EED);
        Self::with_clock(config, socket, MonotonicClock, seed)
    }
}

impl<C: Clock> State<C> {
    pub fn with_clock(config: EngineConfig, socket: Option<Arc<BatchSocket>>, clock: C, seed: u64) -> Self {
        let control = ControlQueue::new(config.control_max_items, config.control_max_bytes);
        Self {
            config,
            router: Router::new(clock, seed ^ 0xA5A5_5A5A),
            endpoints: EndpointTable::default(),
            tracks: HashMap::new(),
            routes: HashMap::new(),
            counters: Counters::default(),
            control,
            out: Outbox::new(socket, SEND_BATCH),
            fwd_buf: vec![0; MAX_MEDIA_PACKET * 4],
            fwd_index: vec![0; 3 * 4],
            rtcp_buf: vec![0; 1500],
            last_rtcp_ms: f64::NEG_INFINITY,
            last_nack_ms: f64::NEG_INFINITY,
            last_twcc_ms: f64::NEG_INFINITY,
            nack_scratch: Vec::with_capacity(128),
            rng: seed | 1,
        }
    }

    pub fn now_ms(&self) -> f64 {
        self.router.now_ms().unwrap_or(0.0)
    }

    /// splitmix64
    pub(crate) fn random(&mut self) -> u64 {
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Sends what the current unit of work queued.
    pub fn flush(&mut self) {
        self.out.flush(&mut self.counters);
    }

    // ---- endpoints ------------------------------------------------------------------------

    pub fn create_endpoint(&mut self) -> u32 {
        let ssrc = self.random() as u32;
        self.endpoints.create(ssrc.max(1))
    }

    /// Idempotent for endpoints this engine created.
    pub fn close_endpoint(&mut self, id: u32) -> Result<(), EngineError> {
        match self.endpoints.close(id) {
            Some(ep) => {
                self.control.discard_endpoint(id);
                for t in self.tracks.values_mut() {
                    if t.endpoint == Some(id) {
                        t.endpoint = None;
                    }
                }
                drop(ep);
                Ok(())
            }
            None if self.endpoints.was_issued(id) => Ok(()),
            None => Err(EngineError::EndpointNotFound(id)),
        }
    }

    pub fn bind_ufrag(&mut self, id: u32, ufrag: &[u8]) -> Result<(), EngineError> {
        self.bind_local_ufrag(id, ufrag, None)
    }

    /// Like [`bind_ufrag`](Self::bind_ufrag), with the ICE password that goes with it: from then on
    /// a Binding request naming this ufrag reaches werift only if its MESSAGE-INTEGRITY verifies.
    pub fn bind_ice_credentials(&mut self, id: u32, ufrag: &[u8], pwd: &[u8]) -> Result<(), EngineError> {
        if pwd.is_empty() || pwd.len() > 256 {
            return Err(EngineError::invalid("ICE password must be 1..=256 bytes"));
        }
        self.bind_local_ufrag(id, ufrag, Some(pwd))
    }

    fn bind_local_ufrag(&mut self, id: u32, ufrag: &[u8], pwd: Option<&[u8]>) -> Result<(), EngineError> {
        if ufrag.is_empty() || ufrag.len() > 256 {
            return Err(EngineError::invalid("ufrag must be 1..=256 bytes"));
        }
        if self.endpoints.bind_ufrag(id, ufrag, pwd) {
            Ok(())
        } else {
            Err(EngineError::EndpointNotFound(id))
        }
    }

    /// A datagram werift sends (STUN, DTLS): the destination becomes one of the endpoint's
    /// addresses, and DTLS marks the selected pair's address as the media destination.
    pub fn send_control(&mut self, id: u32, data: &[u8], to: SocketAddr) -> Result<(), EngineError> {
        if data.is_empty() || data.len() > crate::net::SEND_SLOT {
            return Err(EngineError::invalid(format!(
                "control datagram of {} bytes (1..={} allowed)",
                data.len(),
                crate::net::SEND_SLOT
            )));
        }
        if self.endpoints.get(id).is_none() {
            return Err(EngineError::EndpointNotFound(id));
        }
        self.endpoints.learn(id, to);
        if classify(data) == DatagramKind::Dtls {
            if let Some(ep) = self.endpoints.get_mut(id) {
                ep.media_addr = Some(to);
            }
        }
        self.counters.inc(Counter::ControlSent);
        self.out.push(to, &mut self.counters, |slot| {
            slot[..data.len()].copy_from_slice(data);
            Some(data.len())
        });
        Ok(())
    }

    pub fn install_srtp(
        &mut self,
        id: u32,
        profile_id: u16,
        local_key: &[u8],
        local_salt: &[u8],
        remote_key: &[u8],
        remote_salt: &[u8],
    ) -> Result<(), EngineError> {
        let profile = SrtpProfile::from_dtls_id(profile_id).ok_or_else(|| {
            EngineError::invalid(format!("SRTP profile {profile_id:#06x} is not supported"))
        })?;
        let outbound = SrtpContext::new(profile, local_key, local_salt).map_err(EngineError::srtp)?;
        let inbound = SrtpContext::new(profile, remote_key, remote_salt).map_err(EngineError::srtp)?;
        let ep = self
            .endpoints
            .get_mut(id)
            .ok_or(EngineError::EndpointNotFound(id))?;
        ep.srtp = Some(SrtpPair {
            inbound,
            outbound,
        });
        // Routes created before this transport had keys dropped the keyframe their creation
        // asked for; ask again now, so the subscriber's first decodable frame comes at once.
        let sources: Vec<u32> = self
            .routes
            .iter()
            .filter(|(_, r)| r.endpoint == id)
            .filter_map(|(route, _)| self.router.route_sources(*route).ok().map(|(source, _)| source))
            .collect();
        let now = self.now_ms();
        for source in sources {
            self.request_keyframe(source, now, true);
        }
        Ok(())
    }

    pub fn map_incoming(&mut self, id: u32, spec: &IncomingSpec, track: u32) -> Result<(), EngineError> {
        if spec.ssrc.is_none() && spec.mid.is_none() {
            return Err(EngineError::invalid("an incoming stream needs an ssrc or a mid"));
        }
        if spec.rid.is_some() && spec.mid.is_none() {
            return Err(EngineError::invalid("a rid needs a mid"));
        }
        for ext in [spec.mid_ext_id, spec.rid_ext_id].into_iter().flatten() {
            if !(1..=255).contains(&ext) {
                return Err(EngineError::invalid(format!("extension id {ext} is not 1..=255")));
            }
        }
        let t = self
            .tracks
            .get_mut(&track)
            .ok_or(EngineError::Router(crate::Error::TrackNotFound(track)))?;
        if self.endpoints.get(id).is_none() {
            return Err(EngineError::EndpointNotFound(id));
        }
        // A track whose transceiver moved to another transport (BUNDLE tag moved) moves with it.
        if let Some(old) = t.endpoint.filter(|e| *e != id) {
            if let Some(ep) = self.endpoints.get_mut(old) {
                ep.incoming.unmap_track(track);
            }
        }
        let ep = self.endpoints.get_mut(id).expect("checked above");
        ep.incoming.map(spec, track);
        t.endpoint = Some(id);
        if t.last_ssrc.is_none() {
            t.last_ssrc = spec.ssrc;
        }
        Ok(())
    }

    // ---- tracks and routes --------------------------------------------------------------

    pub fn create_track(&mut self, options: TrackOptions) -> Result<u32, EngineError> {
        let kind = options.kind;
        let cache = (kind == MediaKind::Video).then(|| RetransmitCache::new(self.config.retransmit_capacity, MAX_MEDIA_PACKET));
        let clock_rate = options.codecs.first().map(|c| c.clock_rate).unwrap_or(90_000);
        let twcc_ext = options.extensions.iter().find(|e| e.uri == crate::twcc::TWCC_URI).map(|e| e.id);
        let handle = self.router.create_track(options)?;
        self.tracks.insert(
            handle,
            TrackIn {
                endpoint: None,
                kind,
                clock_rate,
                last_ssrc: None,
                last_keyframe_request_ms: f64::NEG_INFINITY,
                last_sr: None,
                cache,
                twcc_ext,
            },
        );
        Ok(handle)
    }

    /// Closes the track and the routes it feeds (as the router does). Idempotent.
    pub fn close_track(&mut self, track: u32) -> Result<(), EngineError> {
        self.router.close_track(track)?;
        if let Some(t) = self.tracks.remove(&track) {
            if let Some(ep) = t.endpoint.and_then(|e| self.endpoints.get_mut(e)) {
                ep.incoming.unmap_track(track);
            }
        }
        self.forget_closed_routes();
        Ok(())
    }

    /// A route from `track` to the endpoint `output`; asks the track for a keyframe at once if
    /// `output` has its SRTP keys, else when it gets them.
    pub fn create_route(&mut self, track: u32, options: RouteOptions, output: u32) -> Result<u32, EngineError> {
        if self.endpoints.get(output).is_none() {
            return Err(EngineError::EndpointNotFound(output));
        }
        let ssrc = options.ssrc;
        let clock_rate = options.codecs.first().map(|c| c.clock_rate).unwrap_or(90_000);
        let video = self.tracks.get(&track).is_some_and(|t| t.kind == MediaKind::Video);
        let route = self.router.create_route(track, options)?;
        let sent = video.then(SentRing::default);
        self.routes.insert(
            route,
            RouteOut {
                endpoint: output,
                ssrc,
                clock_rate,
                sent,
                send: SendStats::new(),
                ts_offset: None,
            },
        );
        if let Some(ep) = self.endpoints.get_mut(output) {
            ep.outputs.insert(ssrc, route);
        }
        let needed = (self.routes.len() + 1) * MAX_MEDIA_PACKET;
        if self.fwd_buf.len() < needed {
            self.fwd_buf.resize(needed, 0);
            self.fwd_index.resize((self.routes.len() + 1) * 3, 0);
        }
        // A keyframe now helps only a transport that can already decrypt it; otherwise the
        // request goes out when its keys arrive (install_srtp): browsers ignore a second request
        // that comes soon after the first (about 300 ms), so an early one would delay the frame.
        if self.endpoints.get(output).is_some_and(|ep| ep.srtp.is_some()) {
            let now = self.now_ms();
            self.request_keyframe(track, now, true);
        }
        Ok(route)
    }

    pub fn switch_route_source(&mut self, route: u32, track: u32) -> Result<(), EngineError> {
        self.router.switch_route_source(route, track)?;
        let now = self.now_ms();
        self.request_keyframe(track, now, true);
        Ok(())
    }

    /// The route's packets go to another endpoint from now on (its subscriber's transceiver
    /// moved to another transport). A keyframe is requested for the new transport's decoder, now
    /// or when its keys arrive.
    pub fn set_route_output(&mut self, route: u32, output: u32) -> Result<(), EngineError> {
        if self.endpoints.get(output).is_none() {
            return Err(EngineError::EndpointNotFound(output));
        }
        let r = self
            .routes
            .get_mut(&route)
            .ok_or(EngineError::Router(crate::Error::RouteNotFound(route)))?;
        if r.endpoint == output {
            return Ok(());
        }
        let (old, ssrc) = (r.endpoint, r.ssrc);
        r.endpoint = output;
        if let Some(ep) = self.endpoints.get_mut(old) {
            if ep.outputs.get(&ssrc) == Some(&route) {
                ep.outputs.remove(&ssrc);
            }
        }
        if let Some(ep) = self.endpoints.get_mut(output) {
            ep.outputs.insert(ssrc, route);
        }
        // As in create_route: a transport still without keys gets its keyframe from install_srtp;
        // one asked for now would be dropped, and the browser would ignore the next request.
        let keyed = self.endpoints.get(output).is_some_and(|ep| ep.srtp.is_some());
        if let (true, Ok((source, _))) = (keyed, self.router.route_sources(route)) {
            let now = self.now_ms();
            self.request_keyframe(source, now, true);
        }
        Ok(())
    }

    /// Idempotent.
    pub fn close_route(&mut self, route: u32) -> Result<(), EngineError> {
        self.router.close_route(route)?;
        self.forget_route(route);
        Ok(())
    }

    fn forget_route(&mut self, route: u32) {
        if let Some(r) = self.routes.remove(&route) {
            if let Some(ep) = self.endpoints.get_mut(r.endpoint) {
                if ep.outputs.get(&r.ssrc) == Some(&route) {
                    ep.outputs.remove(&r.ssrc);
                }
            }
        }
    }

    /// Drops the extras of routes the router closed by itself (closing their source track).
    fn forget_closed_routes(&mut self) {
        let gone: Vec<u32> = self
            .routes
            .keys()
            .copied()
            .filter(|r| self.router.route_stats(*r).is_err())
            .collect();
        for r in gone {
            self.forget_route(r);
        }
    }

    pub fn read_activity(&self, handles: &mut [u32], at: &mut [f64]) -> Result<usize, EngineError> {
        Ok(self.router.read_activity(handles, at)?)
    }

    pub fn track_stats(&self, track: u32) -> Result<TrackStats, EngineError> {
        Ok(self.router.track_stats(track)?)
    }

    pub fn route_stats(&self, route: u32) -> Result<RouteStats, EngineError> {
        Ok(self.router.route_stats(route)?)
    }

    /// `(endpoint, authenticated media packets received)` for every endpoint; returns the rows
    /// written, bounded by the shorter column.
    pub fn read_endpoint_activity(&self, ids: &mut [u32], received: &mut [f64]) -> usize {
        let rows = ids.iter_mut().zip(received.iter_mut());
        let mut n = 0;
        for (ep, (id, count)) in self.endpoints.iter().zip(rows) {
            *id = ep.id;
            *count = ep.media_received as f64;
            n += 1;
        }
        n
    }

    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Control datagrams for JavaScript; see [`ControlQueue::drain`].
    pub fn drain_control(&mut self, out: &mut [u8], index: &mut [u32]) -> usize {
        self.control.drain(out, index)
    }

    pub fn close(&mut self) {
        self.router.close();
        self.routes.clear();
        self.tracks.clear();
    }
}
