//! The per-route forwarding decision. [`Forwarder::decide`] looks at one packet's metadata and
//! returns a [`Verdict`]; it never touches bytes (the router applies the verdict with
//! [`crate::rewrite`]). It owns:
//!
//! - the keyframe gate: a route starts, and a source switch completes, only at a keyframe;
//! - sequence continuity: output `ext_seq = out_base + (in_ext_seq - in_base)`, so gaps and
//!   reordering pass through unchanged, packets older than the sync point are dropped, and exact
//!   duplicates within the last 64 are dropped;
//! - timestamp continuity: `out_ts = in_ts + ts_offset`, the offset chosen at each sync point;
//! - payload-type mapping of the current source.

use crate::mapping::{ExtensionMap, PayloadTypeMap};

/// What the router knows about one received packet, computed once per packet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PacketMeta {
    /// Handle of the track the packet arrived on.
    pub source: u32,
    /// Sequence number unwrapped by the track.
    pub ext_seq: u64,
    pub ts: u32,
    pub payload_type: u8,
    /// A decoder can start here (always true for audio).
    pub is_keyframe: bool,
    /// Clock rate of the packet's codec in Hz (0 if the payload type is unknown).
    pub clock_rate: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Forward { seq: u16, ts: u32, payload_type: u8 },
    Drop(DropReason),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropReason {
    /// Route (or pending source switch) has not seen a keyframe yet.
    WaitingKeyframe,
    /// Older than the packet the route synced on.
    BeforeStart,
    /// Same extended sequence number already forwarded (within the last 64).
    Duplicate,
    /// The subscriber did not negotiate this packet's codec.
    UnmappedPayloadType,
    /// The packet's track is neither the route's source nor its pending source.
    NotSource,
}

/// A track feeding the route, with the tables translating its numbering to the subscriber's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub track: u32,
    pub payload_types: PayloadTypeMap,
    pub extensions: ExtensionMap,
}

/// What [`Forwarder::switch_source`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SwitchOutcome {
    /// The route had not forwarded anything yet, so the new source replaced the old at once
    /// (still behind the keyframe gate). Carries the replaced track.
    Replaced { old: u32 },
    /// Waiting for a keyframe of the new source; the old one keeps flowing until then.
    /// Carries a previously pending track that this request superseded, if any.
    Pending { superseded: Option<u32> },
    /// The requested track is already the source; a pending switch (if any) was cancelled.
    Unchanged { cancelled: Option<u32> },
}

/// Packets from the source the route is synced to.
#[derive(Debug, Clone, Copy, Default)]
struct Sync {
    in_base: u64,
    out_base: u64,
    ts_offset: u32,
    highest_in: u64,
    /// Bit i set: `highest_in - i` was forwarded.
    seen: u64,
}

/// The last packet written out, across sources.
#[derive(Debug, Clone, Copy)]
struct LastOut {
    ext_seq: u64,
    ts: u32,
    at_ms: f64,
}

#[derive(Debug, Clone)]
pub struct Forwarder {
    source: Source,
    pending: Option<Source>,
    sync: Option<Sync>,
    last_out: Option<LastOut>,
    start_seq: u16,
    start_ts: u32,
}

impl Forwarder {
    /// `start_seq`/`start_ts` are what the first forwarded packet carries (RFC 3550 §5.1 wants
    /// them random; the router picks them).
    pub fn new(source: Source, start_seq: u16, start_ts: u32) -> Self {
        Self {
            source,
            pending: None,
            sync: None,
            last_out: None,
            start_seq,
            start_ts,
        }
    }

    pub fn source_track(&self) -> u32 {
        self.source.track
    }

    pub fn pending_track(&self) -> Option<u32> {
        self.pending.as_ref().map(|s| s.track)
    }

    /// Extension table for packets of `track` (current or pending source).
    pub fn extensions_for(&self, track: u32) -> Option<&ExtensionMap> {
        if self.source.track == track {
            return Some(&self.source.extensions);
        }
        self.pending
            .as_ref()
            .filter(|s| s.track == track)
            .map(|s| &s.extensions)
    }

    /// True once a packet has been forwarded.
    pub fn has_started(&self) -> bool {
        self.last_out.is_some()
    }

    /// Decides only; the caller writes the packet.
    pub fn decide(&mut self, meta: &PacketMeta, now_ms: f64) -> Verdict {
        let from_pending = self
            .pending
            .as_ref()
            .is_some_and(|p| p.track == meta.source);
        if !from_pending && meta.source != self.source.track {
            return Verdict::Drop(DropReason::NotSource);
        }
        let table = if from_pending {
            self.pending.as_ref().map(|p| &p.payload_types)
        } else {
            Some(&self.source.payload_types)
        };
        let Some(payload_type) = table.and_then(|t| t.get(meta.payload_type)) else {
            return Verdict::Drop(DropReason::UnmappedPayloadType);
        };

        if from_pending || self.sync.is_none() {
            if !meta.is_keyframe {
                return Verdict::Drop(DropReason::WaitingKeyframe);
            }
            if from_pending {
                if let Some(next) = self.pending.take() {
                    self.source = next;
                }
            }
            self.sync = Some(self.sync_point(meta, now_ms));
        }
        let Some(sync) = self.sync.as_mut() else {
            return Verdict::Drop(DropReason::WaitingKeyframe);
        };

        if meta.ext_seq < sync.in_base {
            return Verdict::Drop(DropReason::BeforeStart);
        }
        if meta.ext_seq > sync.highest_in {
            let shift = meta.ext_seq - sync.highest_in;
            sync.seen = if shift >= 64 { 0 } else { sync.seen << shift };
            sync.seen |= 1;
            sync.highest_in = meta.ext_seq;
        } else {
            let age = sync.highest_in - meta.ext_seq;
            if age < 64 {
                if sync.seen & (1 << age) != 0 {
                    return Verdict::Drop(DropReason::Duplicate);
                }
                sync.seen |= 1 << age;
            }
        }

        let out_ext = sync.out_base + (meta.ext_seq - sync.in_base);
        let ts = meta.ts.wrapping_add(sync.ts_offset);
        if self.last_out.is_none_or(|last| out_ext > last.ext_seq) {
            self.last_out = Some(LastOut {
                ext_seq: out_ext,
                ts,
                at_ms: now_ms,
            });
        }
        Verdict::Forward {
            seq: out_ext as u16,
            ts,
            payload_type,
        }
    }

    /// Maps `meta` (a keyframe) to the route's start values, or right after the last packet out:
    /// seq = last + 1, ts = last ts + elapsed wallclock × clock rate (at least 1 tick).
    fn sync_point(&self, meta: &PacketMeta, now_ms: f64) -> Sync {
        let (out_base, out_ts) = match self.last_out {
            None => (u64::from(self.start_seq), self.start_ts),
            Some(last) => {
                let elapsed_ms = (now_ms - last.at_ms).max(0.0);
                let ticks = (elapsed_ms * f64::from(meta.clock_rate) / 1000.0).round();
                let step = if ticks >= 1.0 {
                    ticks.min(f64::from(u32::MAX / 2)) as u32
                } else {
                    1
                };
                (last.ext_seq + 1, last.ts.wrapping_add(step))
            }
        };
        Sync {
            in_base: meta.ext_seq,
            out_base,
            ts_offset: out_ts.wrapping_sub(meta.ts),
            highest_in: meta.ext_seq,
            seen: 0,
        }
    }

    /// Asks the route to move to `next`. Continuity is kept: the subscriber sees one stream.
    pub fn switch_source(&mut self, next: Source) -> SwitchOutcome {
        if next.track == self.source.track {
            let cancelled = self.pending.take().map(|p| p.track);
            self.source = next; // refreshes the tables
            return SwitchOutcome::Unchanged { cancelled };
        }
        if !self.has_started() {
            // Nothing can be pending before the first packet: switches then replace at once.
            let old = std::mem::replace(&mut self.source, next).track;
            self.sync = None;
            return SwitchOutcome::Replaced { old };
        }
        let superseded = self.pending.replace(next).map(|p| p.track);
        SwitchOutcome::Pending { superseded }
    }

    /// Forgets a pending switch to `track` (e.g. because that track closed).
    pub fn cancel_pending(&mut self, track: u32) -> bool {
        if self.pending_track() == Some(track) {
            self.pending = None;
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests;
