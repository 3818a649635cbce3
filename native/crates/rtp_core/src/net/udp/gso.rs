//! UDP GSO (generic segmentation offload, `UDP_SEGMENT`, Linux ≥ 4.18): one `sendmmsg` entry can
//! carry several datagrams for one destination, given as equally sized segments (the last may be
//! shorter); the kernel splits them, so each segment still arrives as its own datagram.
//!
//! A forwarder's send batch holds, per received packet, one copy per subscriber; a video frame is
//! several packets of about the same size (encoders packetize a frame evenly), so a batch holds
//! runs to coalesce once it is grouped by destination. [`GsoPlan`] is that grouping: pure, no
//! syscalls, no allocation after the first batches.

use std::net::SocketAddr;

/// Segments per message at most (the kernel's UDP_MAX_SEGMENTS was 64 until Linux 5.9).
pub const MAX_SEGMENTS: usize = 64;
/// Payload bytes per message at most (one UDP datagram before segmentation).
pub const MAX_MESSAGE_BYTES: usize = 65_000;

/// One `sendmmsg` entry: datagrams `order[start..start + count]`, each `segment` bytes but the
/// last, which may be shorter. `count == 1` is a plain datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message {
    pub start: usize,
    pub count: usize,
    pub segment: usize,
}

/// Send order and messages for one batch (reused between batches).
#[derive(Debug, Default)]
pub struct GsoPlan {
    /// Datagram indices in send order: grouped by destination, in queue order within a group.
    pub order: Vec<u32>,
    pub messages: Vec<Message>,
}

impl GsoPlan {
    pub fn with_capacity(n: usize) -> Self {
        Self {
            order: Vec::with_capacity(n),
            messages: Vec::with_capacity(n),
        }
    }

    /// Plans datagrams with lengths `lens` for destinations `to`. Without `coalesce` every
    /// datagram is its own message, in queue order.
    pub fn build(&mut self, lens: &[usize], to: &[SocketAddr], coalesce: bool) {
        let n = lens.len().min(to.len());
        self.order.clear();
        self.messages.clear();
        self.order.extend(0..n as u32);
        if !coalesce {
            self.messages
                .extend((0..n).map(|i| Message { start: i, count: 1, segment: lens[i] }));
            return;
        }
        // Unstable sort with the index as tie-break: per destination the queue order stays, and
        // nothing is allocated.
        self.order.sort_unstable_by_key(|&i| (to[i as usize], i));
        let mut j = 0;
        // Bounded: every round consumes ≥ 1 datagram.
        while j < n {
            let first = self.order[j] as usize;
            let segment = lens[first];
            let mut count = 1;
            let mut bytes = segment;
            while j + count < n && count < MAX_SEGMENTS && segment > 0 {
                let next = self.order[j + count] as usize;
                let len = lens[next];
                if to[next] != to[first] || len > segment || len == 0 || bytes + len > MAX_MESSAGE_BYTES {
                    break;
                }
                count += 1;
                bytes += len;
                if len < segment {
                    break; // a shorter segment can only be the last
                }
            }
            self.messages.push(Message { start: j, count, segment });
            j += count;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    fn plan(lens: &[usize], to: &[SocketAddr], coalesce: bool) -> Vec<(Vec<u32>, usize)> {
        let mut p = GsoPlan::default();
        p.build(lens, to, coalesce);
        p.messages
            .iter()
            .map(|m| (p.order[m.start..m.start + m.count].to_vec(), m.segment))
            .collect()
    }

    #[test]
    fn a_frame_fanned_out_becomes_one_message_per_subscriber() {
        // Three packets of a frame, each copied to subscribers 1, 2, 3 in route order.
        let to = [1, 2, 3, 1, 2, 3, 1, 2, 3].map(addr);
        let lens = [1100, 1100, 1100, 1100, 1100, 1100, 900, 900, 900];
        assert_eq!(
            plan(&lens, &to, true),
            vec![(vec![0, 3, 6], 1100), (vec![1, 4, 7], 1100), (vec![2, 5, 8], 1100)]
        );
    }

    #[test]
    fn a_longer_datagram_starts_a_new_message_and_a_shorter_one_ends_it() {
        let to = [addr(1); 6];
        let lens = [500, 500, 700, 700, 300, 700];
        assert_eq!(
            plan(&lens, &to, true),
            vec![(vec![0, 1], 500), (vec![2, 3, 4], 700), (vec![5], 700)]
        );
    }

    #[test]
    fn segment_and_byte_limits_split_long_runs() {
        let to = vec![addr(9); 150];
        let lens = vec![100; 150];
        let counts: Vec<usize> = plan(&lens, &to, true).iter().map(|(o, _)| o.len()).collect();
        assert_eq!(counts, vec![64, 64, 22]);
        let to = vec![addr(9); 100];
        let lens = vec![1500; 100];
        let counts: Vec<usize> = plan(&lens, &to, true).iter().map(|(o, _)| o.len()).collect();
        assert_eq!(counts, vec![43, 43, 14]); // 43 × 1500 ≤ 65 000 < 44 × 1500
    }

    #[test]
    fn without_coalescing_every_datagram_is_its_own_message_in_queue_order() {
        let to = [2, 1, 2].map(addr);
        assert_eq!(
            plan(&[10, 10, 10], &to, false),
            vec![(vec![0], 10), (vec![1], 10), (vec![2], 10)]
        );
    }

    #[test]
    fn ipv4_and_ipv6_destinations_never_share_a_message() {
        let v6: SocketAddr = "[::1]:1".parse().unwrap();
        let to = [addr(1), v6, addr(1), v6];
        assert_eq!(
            plan(&[10, 10, 10, 10], &to, true),
            vec![(vec![0, 2], 10), (vec![1, 3], 10)]
        );
    }
}
