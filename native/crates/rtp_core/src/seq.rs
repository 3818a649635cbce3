//! Unwraps 16-bit RTP sequence numbers into a 64-bit extended sequence (`ext_seq`), tolerating
//! reordering: each packet lands on the value nearest to the highest seen so far.

/// The first packet is placed in cycle 1 (`ext_seq = 65536 + seq`), so packets reordered before it
/// still get a non-negative extended value.
const FIRST_CYCLE: u64 = 1 << 16;

#[derive(Debug, Clone, Default)]
pub struct SeqUnwrapper {
    highest: Option<u64>,
}

impl SeqUnwrapper {
    pub fn new() -> Self {
        Self::default()
    }

    /// Extended value for `seq`; updates the highest seen when it moves forward.
    // RFC 3550 §A.1: a difference below half the space counts forward, above it counts back.
    pub fn unwrap(&mut self, seq: u16) -> u64 {
        let ext = match self.highest {
            None => FIRST_CYCLE + u64::from(seq),
            Some(highest) => {
                let delta = i64::from(seq.wrapping_sub(highest as u16) as i16);
                highest.saturating_add_signed(delta)
            }
        };
        if self.highest.is_none_or(|h| ext > h) {
            self.highest = Some(ext);
        }
        ext
    }

    pub fn highest(&self) -> Option<u64> {
        self.highest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_forward_at_65535() {
        let mut u = SeqUnwrapper::new();
        let a = u.unwrap(65534);
        assert_eq!(u.unwrap(65535), a + 1);
        assert_eq!(u.unwrap(0), a + 2);
        assert_eq!(u.unwrap(1), a + 3);
        assert_eq!(u.highest(), Some(a + 3));
    }

    #[test]
    fn reordered_packets_land_behind_the_highest() {
        let mut u = SeqUnwrapper::new();
        let a = u.unwrap(2);
        assert_eq!(u.unwrap(65535), a - 3); // older, across the wrap backwards
        assert_eq!(u.unwrap(5), a + 3);
        assert_eq!(u.unwrap(4), a + 2);
        assert_eq!(u.highest(), Some(a + 3));
    }

    #[test]
    fn half_space_jumps_count_forward_or_back() {
        let mut u = SeqUnwrapper::new();
        let a = u.unwrap(0);
        assert_eq!(u.unwrap(32767), a + 32767);
        let h = u.highest().unwrap();
        assert_eq!(u.unwrap(32767u16.wrapping_add(32768)), h - 32768);
    }
}
