//! Per-track packet activity: the last-packet timestamp the control plane's inactivity GC reads,
//! and packet/byte/malformed counters. Time comes from a [`Clock`] so tests can drive it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use crate::slab::HandleSlab;

/// Monotonic milliseconds as `f64` (exact integers up to 2^53 ms; sub-ms precision in practice).
pub trait Clock {
    fn now_ms(&self) -> f64;
}

/// `Instant`-based clock; every instance shares one process-wide origin, so values from different
/// routers are comparable.
#[derive(Debug, Clone, Copy, Default)]
pub struct MonotonicClock;

impl Clock for MonotonicClock {
    fn now_ms(&self) -> f64 {
        static ORIGIN: OnceLock<Instant> = OnceLock::new();
        ORIGIN.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
    }
}

/// A clock that only moves when told to. Clones share the same time.
#[derive(Debug, Clone, Default)]
pub struct ManualClock(Arc<AtomicU64>);

impl ManualClock {
    pub fn new(start_ms: f64) -> Self {
        Self(Arc::new(AtomicU64::new(start_ms.to_bits())))
    }
    pub fn set(&self, ms: f64) {
        self.0.store(ms.to_bits(), Ordering::Relaxed);
    }
    pub fn advance(&self, ms: f64) {
        self.set(self.now_ms() + ms);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> f64 {
        f64::from_bits(self.0.load(Ordering::Relaxed))
    }
}

/// Counters and last-packet time of one track.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TrackActivity {
    /// `None` until the first well-formed packet.
    pub last_packet_at_ms: Option<f64>,
    /// Well-formed packets received (routed or not).
    pub packets: u64,
    /// Bytes of those packets, headers included.
    pub bytes: u64,
    /// Packets that failed to parse; they do not refresh `last_packet_at_ms`.
    pub malformed_dropped: u64,
}

impl TrackActivity {
    pub fn record_packet(&mut self, now_ms: f64, bytes: usize) {
        self.last_packet_at_ms = Some(now_ms);
        self.packets += 1;
        self.bytes += bytes as u64;
    }

    pub fn record_malformed(&mut self) {
        self.malformed_dropped += 1;
    }
}

/// Activity of every open track, keyed by track handle.
#[derive(Debug, Default)]
pub struct ActivityTable {
    tracks: HandleSlab<TrackActivity>,
}

impl ActivityTable {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn register(&mut self, track: u32) {
        self.tracks.insert(track, TrackActivity::default());
    }

    pub fn unregister(&mut self, track: u32) -> Option<TrackActivity> {
        self.tracks.remove(track)
    }

    pub fn get(&self, track: u32) -> Option<&TrackActivity> {
        self.tracks.get(track)
    }

    pub fn get_mut(&mut self, track: u32) -> Option<&mut TrackActivity> {
        self.tracks.get_mut(track)
    }

    pub fn len(&self) -> usize {
        self.tracks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tracks.is_empty()
    }

    pub fn clear(&mut self) {
        self.tracks.clear();
    }

    /// Writes `(handle, last_packet_at_ms)` pairs (`NaN` = no packet yet) into caller-owned
    /// columns; stops at the shorter column. Returns how many rows were written.
    pub fn fill(&self, handles: &mut [u32], last_packet_at_ms: &mut [f64]) -> usize {
        let rows = handles.iter_mut().zip(last_packet_at_ms.iter_mut());
        let mut written = 0;
        for ((handle, activity), (h, at)) in self.tracks.iter().zip(rows) {
            *h = handle;
            *at = activity.last_packet_at_ms.unwrap_or(f64::NAN);
            written += 1;
        }
        written
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_is_shared_between_clones() {
        let c = ManualClock::new(10.0);
        let d = c.clone();
        c.advance(5.5);
        assert_eq!(d.now_ms(), 15.5);
        d.set(1.0);
        assert_eq!(c.now_ms(), 1.0);
    }

    #[test]
    fn monotonic_clock_does_not_go_back() {
        let c = MonotonicClock;
        let a = c.now_ms();
        let b = MonotonicClock.now_ms();
        assert!(a >= 0.0 && b >= a);
    }

    #[test]
    fn records_and_fills_columns() {
        let mut t = ActivityTable::new();
        t.register(4);
        t.register(9);
        t.get_mut(9).unwrap().record_packet(100.0, 1200);
        t.get_mut(9).unwrap().record_packet(120.0, 800);
        t.get_mut(4).unwrap().record_malformed();

        let nine = t.get(9).unwrap();
        assert_eq!(
            (nine.packets, nine.bytes, nine.last_packet_at_ms),
            (2, 2000, Some(120.0))
        );
        let four = t.get(4).unwrap();
        assert_eq!(
            (four.packets, four.malformed_dropped, four.last_packet_at_ms),
            (0, 1, None)
        );

        let mut handles = [0u32; 4];
        let mut at = [0f64; 4];
        assert_eq!(t.fill(&mut handles, &mut at), 2);
        let mut rows: Vec<_> = handles[..2]
            .iter()
            .zip(&at[..2])
            .map(|(h, a)| (*h, *a))
            .collect();
        rows.sort_by_key(|r| r.0);
        assert_eq!(rows[0].0, 4);
        assert!(rows[0].1.is_nan());
        assert_eq!(rows[1], (9, 120.0));

        // bounded by the shorter column
        let mut one = [0u32; 1];
        assert_eq!(t.fill(&mut one, &mut at), 1);
        assert_eq!(t.unregister(4).map(|a| a.malformed_dropped), Some(1));
        assert_eq!(t.len(), 1);
    }
}
