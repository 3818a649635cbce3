//! What a route sent, by output sequence number, to answer NACKs without a packet copy per
//! route: the rewritten header only, plus where its payload is — the source track's cache of
//! received packets, by input sequence number. The router rewrites headers only (payload and
//! padding are copied as they are), so header + the input's payload is the packet that was sent.
//! Memory: ~27 KiB per video route instead of a 384 KiB packet ring.

/// Longest rewritten header kept (fixed 12 + CSRCs + extensions); longer ones are not resendable.
pub const MAX_HEADER: usize = 96;
/// Packets remembered per route (a power of two).
pub const SENT_RING: usize = 256;

#[derive(Clone, Copy)]
struct Entry {
    out_seq: u16,
    in_seq: u16,
    source: u32,
    header_len: u8,
    valid: bool,
    header: [u8; MAX_HEADER],
}

const EMPTY: Entry = Entry {
    out_seq: 0,
    in_seq: 0,
    source: 0,
    header_len: 0,
    valid: false,
    header: [0; MAX_HEADER],
};

/// One route's recent output headers.
pub struct SentRing {
    entries: Box<[Entry]>,
}

impl Default for SentRing {
    fn default() -> Self {
        Self {
            entries: vec![EMPTY; SENT_RING].into_boxed_slice(),
        }
    }
}

/// Where to find a sent packet again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentPacket<'a> {
    /// The rewritten header as sent.
    pub header: &'a [u8],
    /// The source track and the input sequence number of its payload.
    pub source: u32,
    pub in_seq: u16,
}

impl SentRing {
    /// Remembers output packet `out_seq` (header `header`) made from `source`'s packet `in_seq`.
    pub fn record(&mut self, out_seq: u16, header: &[u8], source: u32, in_seq: u16) {
        let e = &mut self.entries[usize::from(out_seq) & (SENT_RING - 1)];
        if header.len() > MAX_HEADER {
            e.valid = false;
            return;
        }
        e.out_seq = out_seq;
        e.in_seq = in_seq;
        e.source = source;
        e.header_len = header.len() as u8;
        e.header[..header.len()].copy_from_slice(header);
        e.valid = true;
    }

    pub fn get(&self, out_seq: u16) -> Option<SentPacket<'_>> {
        let e = &self.entries[usize::from(out_seq) & (SENT_RING - 1)];
        (e.valid && e.out_seq == out_seq).then(|| SentPacket {
            header: &e.header[..usize::from(e.header_len)],
            source: e.source,
            in_seq: e.in_seq,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_the_newest_per_slot_and_refuses_long_headers() {
        let mut r = SentRing::default();
        r.record(5, &[1, 2, 3], 7, 100);
        assert_eq!(
            r.get(5),
            Some(SentPacket {
                header: &[1, 2, 3],
                source: 7,
                in_seq: 100
            })
        );
        assert_eq!(r.get(5 + SENT_RING as u16), None);
        r.record(5 + SENT_RING as u16, &[9], 8, 200); // same slot, newer number
        assert_eq!(r.get(5), None);
        assert_eq!(r.get(5 + SENT_RING as u16).map(|p| p.in_seq), Some(200));
        r.record(6, &[0; MAX_HEADER + 1], 7, 101);
        assert_eq!(r.get(6), None);
    }
}
