//! STUN and DTLS datagrams waiting for JavaScript (werift's ICE agent and DTLS socket). Bounded:
//! when JavaScript falls behind, new datagrams are dropped and counted, never the process memory.

use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};

use super::counters::{Counter, Counters};
use crate::demux::{classify, DatagramKind};

/// Width of one record written by [`ControlQueue::drain`]:
/// `[endpoint, offset, length, port, family (4|6), addr0, addr1, addr2, addr3]`; an IPv4 address
/// is `addr0` (host order), an IPv6 address the four big-endian 32-bit words.
pub const CONTROL_STRIDE: usize = 9;

#[derive(Debug)]
struct Item {
    endpoint: u32,
    from: SocketAddr,
    data: Vec<u8>,
}

#[derive(Debug)]
pub struct ControlQueue {
    items: VecDeque<Item>,
    bytes: usize,
    max_items: usize,
    max_bytes: usize,
}

impl ControlQueue {
    pub fn new(max_items: usize, max_bytes: usize) -> Self {
        Self {
            items: VecDeque::new(),
            bytes: 0,
            max_items,
            max_bytes,
        }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Queues a copy of `data` for `endpoint`; counts it by its own first byte.
    pub fn push(&mut self, endpoint: u32, from: SocketAddr, data: &[u8], counters: &mut Counters) -> bool {
        if self.items.len() >= self.max_items || self.bytes + data.len() > self.max_bytes {
            counters.inc(Counter::DropControlQueueFull);
            return false;
        }
        counters.inc(match classify(data) {
            DatagramKind::Stun => Counter::StunToJs,
            DatagramKind::Dtls => Counter::DtlsToJs,
            DatagramKind::Rtp | DatagramKind::Rtcp => Counter::MediaToJs,
            DatagramKind::Other => Counter::OtherToJs,
        });
        self.bytes += data.len();
        self.items.push_back(Item {
            endpoint,
            from,
            data: data.to_vec(),
        });
        true
    }

    /// Moves queued datagrams into `out` back to back, one [`CONTROL_STRIDE`] record each in
    /// `index`, until either is full. Returns the number of records; the rest stay queued.
    pub fn drain(&mut self, out: &mut [u8], index: &mut [u32]) -> usize {
        let (mut n, mut offset) = (0usize, 0usize);
        while let Some(item) = self.items.front() {
            let at = n * CONTROL_STRIDE;
            if at + CONTROL_STRIDE > index.len() || offset + item.data.len() > out.len() {
                break;
            }
            let item = self.items.pop_front().expect("front exists");
            self.bytes -= item.data.len();
            out[offset..offset + item.data.len()].copy_from_slice(&item.data);
            let rec = &mut index[at..at + CONTROL_STRIDE];
            rec[0] = item.endpoint;
            rec[1] = offset as u32;
            rec[2] = item.data.len() as u32;
            rec[3] = u32::from(item.from.port());
            match item.from.ip() {
                IpAddr::V4(ip) => {
                    rec[4] = 4;
                    rec[5] = u32::from(ip);
                    rec[6..9].fill(0);
                }
                IpAddr::V6(ip) => {
                    rec[4] = 6;
                    for (w, chunk) in rec[5..9].iter_mut().zip(ip.octets().chunks_exact(4)) {
                        *w = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
                    }
                }
            }
            offset += item.data.len();
            n += 1;
        }
        n
    }

    /// Forgets everything queued for `endpoint`.
    pub fn discard_endpoint(&mut self, endpoint: u32) {
        let mut bytes = self.bytes;
        self.items.retain(|i| {
            let keep = i.endpoint != endpoint;
            if !keep {
                bytes -= i.data.len();
            }
            keep
        });
        self.bytes = bytes;
    }
}
