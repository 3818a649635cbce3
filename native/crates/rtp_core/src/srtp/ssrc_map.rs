//! A small map from SSRC to per-stream state: sorted keys, binary search, bounded size with
//! least-recently-used eviction. Lookups never allocate; inserting a new SSRC may grow the
//! vectors (once per stream, not per packet).

/// Streams kept per direction and kind. An association rarely has more than a few dozen; the cap
/// bounds memory if a peer sprays SSRCs (inbound entries exist only after a packet authenticated).
pub(crate) const MAX_SSRCS: usize = 1024;

pub(crate) struct SsrcMap<T> {
    ssrcs: Vec<u32>,
    slots: Vec<Slot<T>>,
    clock: u64,
}

struct Slot<T> {
    value: T,
    used: u64,
}

impl<T> SsrcMap<T> {
    pub(crate) const fn new() -> Self {
        Self {
            ssrcs: Vec::new(),
            slots: Vec::new(),
            clock: 0,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.ssrcs.len()
    }

    /// `Ok(slot)` when present, else `Err(_)`.
    pub(crate) fn find(&self, ssrc: u32) -> Result<usize, usize> {
        self.ssrcs.binary_search(&ssrc)
    }

    pub(crate) fn get(&self, slot: usize) -> &T {
        &self.slots[slot].value
    }

    /// Mutable access; marks the stream as recently used.
    pub(crate) fn get_mut(&mut self, slot: usize) -> &mut T {
        self.clock += 1;
        let s = &mut self.slots[slot];
        s.used = self.clock;
        &mut s.value
    }

    /// Adds a stream that [`find`](Self::find) did not find, evicting the least recently used
    /// one when the map is full.
    pub(crate) fn insert(&mut self, ssrc: u32, value: T) {
        if self.ssrcs.len() >= MAX_SSRCS {
            let oldest = (0..self.slots.len())
                .min_by_key(|&i| self.slots[i].used)
                .expect("a full map has entries");
            self.ssrcs.remove(oldest);
            self.slots.remove(oldest);
        }
        let at = match self.ssrcs.binary_search(&ssrc) {
            Ok(at) | Err(at) => at,
        };
        self.clock += 1;
        self.ssrcs.insert(at, ssrc);
        self.slots.insert(
            at,
            Slot {
                value,
                used: self.clock,
            },
        );
    }
}
