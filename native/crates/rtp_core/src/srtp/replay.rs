//! Packet index estimation (RFC 3711 §3.3.1, Appendix A) and the replay list (RFC 3711 §3.3.2).

use super::SrtpError;

/// RFC 3711 §3.3.2: the replay window covers the highest index seen and the 63 before it.
pub(crate) const WINDOW: u64 = 64;

/// RFC 3711 §3.3.1 and Appendix A: the 48-bit index i = 2^16 * v + SEQ, where v is ROC - 1,
/// ROC or ROC + 1, whichever puts SEQ closest to s_l. `highest` is the highest index seen so far,
/// i.e. ROC * 2^16 + s_l. A negative result means the packet would precede index 0 (v = ROC - 1
/// with ROC = 0); such a packet can only come before the stream's first packet.
pub(crate) fn estimate_index(highest: u64, seq: u16) -> i64 {
    let roc = (highest >> 16) as i64;
    let s_l = highest as u16;
    let v = if s_l < 0x8000 {
        if seq > s_l && seq - s_l > 0x8000 {
            roc - 1
        } else {
            roc
        }
    } else if s_l - 0x8000 > seq {
        roc + 1
    } else {
        roc
    };
    // ROC is 32 bits (mod 2^32); a wrap would need 2^48 packets under one key.
    ((v & 0xffff_ffff) << 16 | i64::from(seq)) - if v < 0 { 1 << 48 } else { 0 }
}

/// The highest authenticated index and a bitmap of the 64 indices ending at it (bit k set means
/// `highest - k` was received).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ReplayWindow {
    highest: u64,
    seen: u64,
}

impl ReplayWindow {
    /// The window after the stream's first authenticated packet.
    pub(crate) fn starting_at(index: u64) -> Self {
        Self {
            highest: index,
            seen: 1,
        }
    }

    pub(crate) fn highest(&self) -> u64 {
        self.highest
    }

    /// RFC 3711 §3.3.2: reject an index already received or to the left of the window.
    pub(crate) fn check(&self, ssrc: u32, index: i64) -> Result<u64, SrtpError> {
        let replayed = |reason| SrtpError::Replayed {
            ssrc,
            index,
            reason,
        };
        let Ok(index) = u64::try_from(index) else {
            return Err(replayed("precedes the stream's first packet"));
        };
        if index > self.highest {
            return Ok(index);
        }
        let age = self.highest - index;
        if age >= WINDOW {
            return Err(replayed("older than the 64-packet replay window"));
        }
        if self.seen & (1 << age) != 0 {
            return Err(replayed("already received"));
        }
        Ok(index)
    }

    /// Records an authenticated index (after [`check`](Self::check) passed). Moving the highest
    /// index forward is also the ROC / s_l update of RFC 3711 §3.3.1.
    pub(crate) fn accept(&mut self, index: u64) {
        if index > self.highest {
            let shift = index - self.highest;
            self.seen = if shift >= WINDOW {
                0
            } else {
                self.seen << shift
            };
            self.seen |= 1;
            self.highest = index;
        } else {
            self.seen |= 1 << (self.highest - index);
        }
    }
}
