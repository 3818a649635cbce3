//! The last N packets sent on one output stream, by sequence number, to answer NACKs
//! (RFC 4585 §6.2.1) with retransmissions (RFC 4588). A fixed ring allocated once in
//! [`RetransmitCache::new`]: `store` copies into slot `seq % capacity`, `get` returns a packet only
//! while its slot still holds that sequence number and it is within the newest `capacity` numbers.

/// Upper bound on the capacity, so "newer" and "older" stay unambiguous modulo 2^16.
pub const MAX_CAPACITY: usize = 1 << 15;

#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    seq: u16,
    len: usize,
    filled: bool,
}

#[derive(Debug)]
pub struct RetransmitCache {
    /// `capacity * max_packet` bytes; slot `i` owns `data[i * max_packet..][..max_packet]`.
    data: Box<[u8]>,
    slots: Box<[Slot]>,
    max_packet: usize,
    /// Newest sequence number stored so far (modulo 2^16).
    newest: Option<u16>,
}

impl RetransmitCache {
    /// `capacity` is rounded up to a power of two and kept within 1..=[`MAX_CAPACITY`]; packets
    /// longer than `max_packet` bytes are not stored. Allocates everything up front.
    pub fn new(capacity: usize, max_packet: usize) -> Self {
        let capacity = capacity.clamp(1, MAX_CAPACITY).next_power_of_two();
        Self {
            data: vec![0; capacity * max_packet].into_boxed_slice(),
            slots: vec![Slot::default(); capacity].into_boxed_slice(),
            max_packet,
            newest: None,
        }
    }

    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    pub fn max_packet(&self) -> usize {
        self.max_packet
    }

    fn index(&self, seq: u16) -> usize {
        usize::from(seq) & (self.slots.len() - 1)
    }

    /// How far `seq` is behind the newest stored number; `None` when it is ahead of it (or
    /// nothing was stored yet).
    fn age(&self, seq: u16) -> Option<usize> {
        let d = self.newest?.wrapping_sub(seq);
        (d < 0x8000).then_some(usize::from(d))
    }

    /// Copies `packet` into the slot of `seq`. Returns false, storing nothing, when the packet is
    /// longer than `max_packet` or `seq` is already `capacity` or more behind the newest stored
    /// number (its slot belongs to a newer packet). A too-long packet also clears its slot, so
    /// an older copy of the same number is not served later.
    pub fn store(&mut self, seq: u16, packet: &[u8]) -> bool {
        let i = self.index(seq);
        let behind = self.age(seq);
        if behind.is_some_and(|age| age >= self.slots.len()) {
            return false;
        }
        if packet.len() > self.max_packet {
            if self.slots[i].seq == seq {
                self.slots[i].filled = false;
            }
            return false;
        }
        if behind.is_none() {
            self.newest = Some(seq); // first packet, or ahead of the newest
        }
        let start = i * self.max_packet;
        self.data[start..start + packet.len()].copy_from_slice(packet);
        self.slots[i] = Slot {
            seq,
            len: packet.len(),
            filled: true,
        };
        true
    }

    /// The packet stored for `seq`, if its slot still holds it.
    pub fn get(&self, seq: u16) -> Option<&[u8]> {
        if self.age(seq)? >= self.slots.len() {
            return None;
        }
        let i = self.index(seq);
        let slot = self.slots[i];
        if !slot.filled || slot.seq != seq {
            return None;
        }
        let start = i * self.max_packet;
        Some(&self.data[start..start + slot.len])
    }

    /// Forgets every packet (for example when the stream's sequence numbers restart).
    pub fn clear(&mut self) {
        self.slots.fill(Slot::default());
        self.newest = None;
    }
}

#[cfg(test)]
mod tests;
