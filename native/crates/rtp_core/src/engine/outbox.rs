//! Datagrams the engine sends, collected into one [`SendBatch`] and handed to the socket with
//! one `sendmmsg` when the batch fills up or the current unit of work ends.

use std::net::SocketAddr;
use std::sync::Arc;

use super::counters::{Counter, Counters};
use crate::net::{BatchSocket, SendBatch, SEND_SLOT};

pub struct Outbox {
    batch: SendBatch,
    socket: Option<Arc<BatchSocket>>,
    /// Without a socket (unit tests) flushed datagrams are kept here.
    captured: Vec<(Vec<u8>, SocketAddr)>,
}

impl Outbox {
    pub fn new(socket: Option<Arc<BatchSocket>>, capacity: usize) -> Self {
        Self {
            batch: SendBatch::new(capacity),
            socket,
            captured: Vec::new(),
        }
    }

    /// Fills the next slot with `write` (which returns the length to send, or `None` to skip) and
    /// queues it for `to`. Flushes first when the batch is full.
    pub fn push(
        &mut self,
        to: SocketAddr,
        counters: &mut Counters,
        write: impl FnOnce(&mut [u8]) -> Option<usize>,
    ) -> bool {
        if self.batch.is_full() {
            self.flush(counters);
        }
        let Some(slot) = self.batch.slot() else {
            return false;
        };
        match write(slot) {
            Some(len) if len <= SEND_SLOT => {
                self.batch.commit(len, to);
                true
            }
            _ => false,
        }
    }

    pub fn flush(&mut self, counters: &mut Counters) {
        if self.batch.is_empty() {
            return;
        }
        match &self.socket {
            Some(socket) => {
                let r = socket.send(&mut self.batch);
                counters.add(Counter::TxDatagrams, r.sent as u64);
                counters.add(Counter::TxBytes, r.bytes as u64);
                counters.add(Counter::TxFailed, r.failed as u64);
                counters.add(Counter::TxCoalesced, r.coalesced as u64);
            }
            None => {
                for i in 0..self.batch.len() {
                    let (data, to) = self.batch.get(i);
                    counters.inc(Counter::TxDatagrams);
                    counters.add(Counter::TxBytes, data.len() as u64);
                    self.captured.push((data.to_vec(), to));
                }
            }
        }
        self.batch.clear();
    }

    /// Unit tests: what was flushed so far (drained).
    #[cfg(test)]
    pub fn take_captured(&mut self) -> Vec<(Vec<u8>, SocketAddr)> {
        std::mem::take(&mut self.captured)
    }
}
