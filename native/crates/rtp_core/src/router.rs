//! Owns tracks (publisher inputs) and routes (subscriber outputs) by `u32` handle, and runs the
//! per-packet path: parse once → stamp activity → for each route of the track: decide, rewrite
//! into the caller's buffer. Handles come from one allocator, so a track handle is never a valid
//! route handle, and no handle is reused within a router's life.

use crate::activity::{ActivityTable, Clock, MonotonicClock, TrackActivity};
use crate::error::Error;
use crate::forwarder::{DropReason, Forwarder, PacketMeta, Source, SwitchOutcome, Verdict};
use crate::keyframe::{is_keyframe, CodecKind};
use crate::mapping::{
    is_retransmission, validate_codecs, validate_extensions, Codec, ExtensionMap, HeaderExtension,
    PayloadTypeMap,
};
use crate::rewrite::{rewrite_into, rewritten_len, ExtensionPlan, RewriteParams};
use crate::rtp::RtpPacket;
use crate::seq::SeqUnwrapper;
use crate::slab::{HandleAllocator, HandleSlab};

/// Width of one `out_index` record: `[route, offset, length]`.
pub const INDEX_STRIDE: usize = 3;

/// Counters and last-packet time of a track (same shape as its activity entry).
pub type TrackStats = TrackActivity;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    Audio,
    Video,
}

impl MediaKind {
    /// `"audio"` or `"video"`.
    pub fn from_name(name: &str) -> Result<Self, Error> {
        match name {
            "audio" => Ok(MediaKind::Audio),
            "video" => Ok(MediaKind::Video),
            other => Err(Error::invalid(format!(
                "kind {other:?} is not \"audio\" or \"video\""
            ))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackOptions {
    pub kind: MediaKind,
    pub codecs: Vec<Codec>,
    pub extensions: Vec<HeaderExtension>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteOptions {
    /// SSRC written into every forwarded packet.
    pub ssrc: u32,
    /// The subscriber's negotiated codecs (payload types are the subscriber's).
    pub codecs: Vec<Codec>,
    /// The subscriber's negotiated header extensions.
    pub extensions: Vec<HeaderExtension>,
    /// First output sequence number; random when `None` (RFC 3550 §5.1).
    pub start_seq: Option<u16>,
    /// First output timestamp; random when `None` (RFC 3550 §5.1).
    pub start_ts: Option<u32>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RouteStats {
    pub packets_forwarded: u64,
    pub bytes_forwarded: u64,
    pub dropped_waiting_keyframe: u64,
    /// Skipped because `out` or `out_index` had no room left.
    pub dropped_overflow: u64,
    /// Duplicates, packets from before the sync point, unmapped payload types, stale source.
    pub dropped_other: u64,
}

#[derive(Debug, Clone, Copy)]
struct CodecInfo {
    kind: CodecKind,
    clock_rate: u32,
    /// False for retransmission payload types (`*/rtx`), which this router never forwards.
    forwardable: bool,
}

#[derive(Debug)]
struct Track {
    kind: MediaKind,
    codecs: Vec<Codec>,
    extensions: Vec<HeaderExtension>,
    by_payload_type: [Option<CodecInfo>; 128],
    seq: SeqUnwrapper,
    /// Routes whose current or pending source is this track.
    routes: Vec<u32>,
}

#[derive(Debug)]
struct Route {
    ssrc: u32,
    codecs: Vec<Codec>,
    extensions: Vec<HeaderExtension>,
    forwarder: Forwarder,
    stats: RouteStats,
}

pub struct Router<C: Clock = MonotonicClock> {
    clock: C,
    handles: HandleAllocator,
    tracks: HandleSlab<Track>,
    activity: ActivityTable,
    routes: HandleSlab<Route>,
    closed: bool,
    rng: u64,
    /// Reused per packet: (route, track) pairs to unlink after a completed source switch.
    detach: Vec<(u32, u32)>,
}

impl Default for Router<MonotonicClock> {
    fn default() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x5EED);
        Self::new(MonotonicClock, nanos)
    }
}

impl<C: Clock> Router<C> {
    /// `seed` drives the random start sequence numbers and timestamps of routes.
    pub fn new(clock: C, seed: u64) -> Self {
        Self {
            clock,
            handles: HandleAllocator::default(),
            tracks: HandleSlab::new(),
            activity: ActivityTable::new(),
            routes: HandleSlab::new(),
            closed: false,
            rng: seed | 1,
            detach: Vec::new(),
        }
    }

    fn check_open(&self) -> Result<(), Error> {
        if self.closed {
            Err(Error::Closed)
        } else {
            Ok(())
        }
    }

    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Milliseconds on the clock the activity stamps use.
    pub fn now_ms(&self) -> Result<f64, Error> {
        self.check_open()?;
        Ok(self.clock.now_ms())
    }

    pub fn create_track(&mut self, options: TrackOptions) -> Result<u32, Error> {
        self.check_open()?;
        validate_codecs(&options.codecs)?;
        validate_extensions(&options.extensions)?;
        if options.codecs.is_empty() {
            return Err(Error::invalid("a track needs at least one codec"));
        }
        let mut by_payload_type = [None; 128];
        for c in &options.codecs {
            let kind = CodecKind::from_mime(&c.mime_type).unwrap_or(CodecKind::OtherVideo);
            if kind.is_audio() != (options.kind == MediaKind::Audio) {
                return Err(Error::invalid(format!(
                    "codec {} does not match a {:?} track",
                    c.mime_type, options.kind
                )));
            }
            by_payload_type[usize::from(c.payload_type)] = Some(CodecInfo {
                kind,
                clock_rate: c.clock_rate,
                forwardable: !is_retransmission(&c.mime_type),
            });
        }
        let handle = self.handles.allocate()?;
        self.tracks.insert(
            handle,
            Track {
                kind: options.kind,
                codecs: options.codecs,
                extensions: options.extensions,
                by_payload_type,
                seq: SeqUnwrapper::new(),
                routes: Vec::new(),
            },
        );
        self.activity.register(handle);
        Ok(handle)
    }

    /// Closes the track and every route whose current source it is; routes that were only
    /// waiting to switch to it stay on their current source. Closing twice is a no-op.
    pub fn close_track(&mut self, track: u32) -> Result<(), Error> {
        self.check_open()?;
        let Some(closed) = self.tracks.remove(track) else {
            return self.check_issued(track, Error::TrackNotFound(track));
        };
        self.activity.unregister(track);
        for route in closed.routes {
            let Some(r) = self.routes.get_mut(route) else {
                continue;
            };
            if r.forwarder.source_track() == track {
                self.close_route(route)?;
            } else {
                r.forwarder.cancel_pending(track);
            }
        }
        Ok(())
    }

    /// A subscriber output fed by `track`. Video routes start at the track's next keyframe.
    pub fn create_route(&mut self, track: u32, options: RouteOptions) -> Result<u32, Error> {
        self.check_open()?;
        validate_codecs(&options.codecs)?;
        validate_extensions(&options.extensions)?;
        let source = self.source_for(track, &options.codecs, &options.extensions)?;
        let start_seq = options.start_seq.unwrap_or_else(|| self.random() as u16);
        let start_ts = options.start_ts.unwrap_or_else(|| self.random() as u32);
        let handle = self.handles.allocate()?;
        self.routes.insert(
            handle,
            Route {
                ssrc: options.ssrc,
                codecs: options.codecs,
                extensions: options.extensions,
                forwarder: Forwarder::new(source, start_seq, start_ts),
                stats: RouteStats::default(),
            },
        );
        self.link(handle, track);
        Ok(handle)
    }

    /// Moves the route to another track; the switch completes at that track's next keyframe and
    /// the subscriber keeps seeing one continuous stream (same SSRC, seq/ts continue).
    pub fn switch_route_source(&mut self, route: u32, track: u32) -> Result<(), Error> {
        self.check_open()?;
        let r = self.routes.get(route).ok_or(Error::RouteNotFound(route))?;
        let source = self.source_for(track, &r.codecs, &r.extensions)?;
        let r = self
            .routes
            .get_mut(route)
            .ok_or(Error::RouteNotFound(route))?;
        match r.forwarder.switch_source(source) {
            SwitchOutcome::Replaced { old } => {
                self.unlink(route, old);
                self.link(route, track);
            }
            SwitchOutcome::Pending { superseded } => {
                if let Some(old) = superseded {
                    self.unlink(route, old);
                }
                self.link(route, track);
            }
            SwitchOutcome::Unchanged { cancelled } => {
                if let Some(old) = cancelled {
                    self.unlink(route, old);
                }
            }
        }
        Ok(())
    }

    /// Closing twice is a no-op.
    pub fn close_route(&mut self, route: u32) -> Result<(), Error> {
        self.check_open()?;
        let Some(r) = self.routes.remove(route) else {
            return self.check_issued(route, Error::RouteNotFound(route));
        };
        self.unlink(route, r.forwarder.source_track());
        if let Some(pending) = r.forwarder.pending_track() {
            self.unlink(route, pending);
        }
        Ok(())
    }

    /// One received packet of `track`. Writes each forwarded copy into `out` back to back and
    /// records `[route, offset, length]` in `out_index`; returns how many copies were written.
    /// Malformed packets are counted on the track and yield `Ok(0)`.
    pub fn ingest(
        &mut self,
        track: u32,
        packet: &[u8],
        out: &mut [u8],
        out_index: &mut [u32],
    ) -> Result<u32, Error> {
        self.check_open()?;
        let now_ms = self.clock.now_ms();
        let Self {
            tracks,
            activity,
            routes,
            detach,
            ..
        } = self;
        let t = tracks.get_mut(track).ok_or(Error::TrackNotFound(track))?;
        let stamp = activity.get_mut(track).ok_or(Error::TrackNotFound(track))?;
        let Ok(pkt) = RtpPacket::parse(packet) else {
            stamp.record_malformed();
            return Ok(0);
        };
        stamp.record_packet(now_ms, packet.len());

        // Only the track's own, forwardable payload types reach the sequence unwrapper and the
        // routes: an RTX packet, or an RTCP packet handed in by mistake (RFC 5761 §4: it reads as
        // PT 72-76), would otherwise corrupt the seq/ts state. They still count as activity.
        let Some(codec) = t
            .by_payload_type
            .get(usize::from(pkt.payload_type()))
            .copied()
            .flatten()
            .filter(|c| c.forwardable)
        else {
            return Ok(0);
        };
        let meta = PacketMeta {
            source: track,
            ext_seq: t.seq.unwrap(pkt.sequence_number()),
            ts: pkt.timestamp(),
            payload_type: pkt.payload_type(),
            is_keyframe: match t.kind {
                MediaKind::Audio => true,
                MediaKind::Video => is_keyframe(codec.kind, pkt.payload()),
            },
            clock_rate: codec.clock_rate,
        };

        let out_len = out.len().min(u32::MAX as usize);
        let (mut written, mut offset) = (0usize, 0usize);
        for &route in &t.routes {
            let Some(r) = routes.get_mut(route) else {
                continue;
            };
            let Some(plan) = r
                .forwarder
                .extensions_for(track)
                .map(|map| ExtensionPlan::new(&pkt, map))
            else {
                continue;
            };
            let len = rewritten_len(&pkt, &plan);
            let index_at = written * INDEX_STRIDE;
            if offset + len > out_len || index_at + INDEX_STRIDE > out_index.len() {
                r.stats.dropped_overflow += 1;
                continue;
            }
            let source_before = r.forwarder.source_track();
            let verdict = r.forwarder.decide(&meta, now_ms);
            if r.forwarder.source_track() != source_before {
                detach.push((route, source_before));
            }
            match verdict {
                Verdict::Forward {
                    seq,
                    ts,
                    payload_type,
                } => {
                    let params = RewriteParams {
                        ssrc: r.ssrc,
                        payload_type,
                        seq,
                        ts,
                    };
                    let map = r.forwarder.extensions_for(track);
                    let done = map.and_then(|map| {
                        rewrite_into(&pkt, &params, map, &plan, &mut out[offset..out_len])
                    });
                    let Some(n) = done else {
                        r.stats.dropped_overflow += 1; // unreachable: space was checked above
                        continue;
                    };
                    out_index[index_at..index_at + INDEX_STRIDE].copy_from_slice(&[
                        route,
                        offset as u32,
                        n as u32,
                    ]);
                    offset += n;
                    written += 1;
                    r.stats.packets_forwarded += 1;
                    r.stats.bytes_forwarded += n as u64;
                }
                Verdict::Drop(DropReason::WaitingKeyframe) => r.stats.dropped_waiting_keyframe += 1,
                Verdict::Drop(_) => r.stats.dropped_other += 1,
            }
        }
        for (route, old) in detach.drain(..) {
            if let Some(old_track) = tracks.get_mut(old) {
                old_track.routes.retain(|&r| r != route);
            }
        }
        Ok(written as u32)
    }

    /// Fills `(handle, last_packet_at_ms)` columns for every open track (NaN = no packet yet);
    /// returns the rows written, bounded by the shorter column.
    pub fn read_activity(
        &self,
        handles: &mut [u32],
        last_packet_at_ms: &mut [f64],
    ) -> Result<usize, Error> {
        self.check_open()?;
        Ok(self.activity.fill(handles, last_packet_at_ms))
    }

    pub fn track_stats(&self, track: u32) -> Result<TrackStats, Error> {
        self.check_open()?;
        self.activity
            .get(track)
            .copied()
            .ok_or(Error::TrackNotFound(track))
    }

    pub fn route_stats(&self, route: u32) -> Result<RouteStats, Error> {
        self.check_open()?;
        self.routes
            .get(route)
            .map(|r| r.stats)
            .ok_or(Error::RouteNotFound(route))
    }

    /// `(open tracks, open routes)`.
    pub fn counts(&self) -> Result<(usize, usize), Error> {
        self.check_open()?;
        Ok((self.tracks.len(), self.routes.len()))
    }

    /// Closes every route and track. Idempotent; afterwards every other call returns `Closed`.
    pub fn close(&mut self) {
        self.closed = true;
        self.routes.clear();
        self.tracks.clear();
        self.activity.clear();
    }

    /// Current source track and pending track of a route (diagnostics and tests).
    pub fn route_sources(&self, route: u32) -> Result<(u32, Option<u32>), Error> {
        self.check_open()?;
        let r = self.routes.get(route).ok_or(Error::RouteNotFound(route))?;
        Ok((r.forwarder.source_track(), r.forwarder.pending_track()))
    }

    fn source_for(
        &self,
        track: u32,
        codecs: &[Codec],
        extensions: &[HeaderExtension],
    ) -> Result<Source, Error> {
        let t = self.tracks.get(track).ok_or(Error::TrackNotFound(track))?;
        let payload_types = PayloadTypeMap::build(&t.codecs, codecs);
        if payload_types.is_empty() {
            return Err(Error::invalid(format!(
                "track {track} shares no codec with the route"
            )));
        }
        Ok(Source {
            track,
            payload_types,
            extensions: ExtensionMap::build(&t.extensions, extensions),
        })
    }

    fn link(&mut self, route: u32, track: u32) {
        if let Some(t) = self.tracks.get_mut(track) {
            if !t.routes.contains(&route) {
                t.routes.push(route);
            }
        }
    }

    fn unlink(&mut self, route: u32, track: u32) {
        if let Some(t) = self.tracks.get_mut(track) {
            t.routes.retain(|&r| r != route);
        }
    }

    /// Closing something already closed is fine; a handle this router never issued is not.
    fn check_issued(&self, handle: u32, missing: Error) -> Result<(), Error> {
        if self.handles.was_issued(handle) {
            Ok(())
        } else {
            Err(missing)
        }
    }

    /// splitmix64
    fn random(&mut self) -> u64 {
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests;
