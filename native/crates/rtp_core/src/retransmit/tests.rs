use super::*;

/// A packet whose bytes identify it: 12 bytes (or `len`) of `seq`'s low byte plus its index.
fn pkt(seq: u16, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (seq as u8).wrapping_add(i as u8))
        .collect()
}

#[test]
fn stores_and_serves_recent_packets() {
    let mut c = RetransmitCache::new(8, 32);
    assert_eq!(c.get(0), None); // empty
    for seq in 100..108u16 {
        assert!(c.store(seq, &pkt(seq, 12 + usize::from(seq % 3))));
    }
    for seq in 100..108u16 {
        assert_eq!(c.get(seq), Some(&pkt(seq, 12 + usize::from(seq % 3))[..]));
    }
    assert_eq!(c.get(99), None); // never stored
    assert_eq!(c.get(108), None); // ahead of the newest
}

#[test]
fn overwritten_slots_no_longer_answer_for_the_old_number() {
    let mut c = RetransmitCache::new(4, 16);
    for seq in 0..6u16 {
        c.store(seq, &pkt(seq, 10));
    }
    // Slots 0 and 1 now hold 4 and 5.
    assert_eq!(c.get(0), None);
    assert_eq!(c.get(1), None);
    assert_eq!(c.get(4), Some(&pkt(4, 10)[..]));
    assert_eq!(c.get(2), Some(&pkt(2, 10)[..]));
    // A shorter packet in a reused slot is returned at its own length.
    c.store(6, &[1, 2, 3]);
    assert_eq!(c.get(6), Some(&[1, 2, 3][..]));
    assert_eq!(c.get(2), None);
}

#[test]
fn wraps_around_65535() {
    let mut c = RetransmitCache::new(16, 8);
    for i in 0..20u16 {
        let seq = 65530u16.wrapping_add(i);
        c.store(seq, &pkt(seq, 8));
    }
    // Newest is 65530 + 19 = 13; the window is 65534..=13.
    assert_eq!(c.get(13), Some(&pkt(13, 8)[..]));
    assert_eq!(c.get(65535), Some(&pkt(65535, 8)[..]));
    assert_eq!(c.get(65534), Some(&pkt(65534, 8)[..]));
    assert_eq!(c.get(65533), None);
    assert_eq!(c.get(14), None);
}

#[test]
fn gaps_and_late_packets() {
    let mut c = RetransmitCache::new(8, 8);
    c.store(10, &pkt(10, 4));
    c.store(13, &pkt(13, 4)); // 11 and 12 lost on the way in
    assert_eq!(c.get(11), None);
    assert!(c.store(11, &pkt(11, 4))); // late arrival inside the window
    assert_eq!(c.get(11), Some(&pkt(11, 4)[..]));
    assert_eq!(c.get(13), Some(&pkt(13, 4)[..])); // newest unchanged
                                                  // Jump far ahead: everything before the new window is gone, even slots not yet reused.
    c.store(100, &pkt(100, 4));
    assert_eq!(c.get(13), None);
    assert_eq!(c.get(100), Some(&pkt(100, 4)[..]));
    // Too old to store: its slot (100 & 7 = 4 → 92) would belong to a newer packet.
    assert!(!c.store(92, &pkt(92, 4)));
    assert!(!c.store(12, &pkt(12, 4)));
    assert_eq!(c.get(100), Some(&pkt(100, 4)[..]));
}

#[test]
fn too_long_packets_are_refused_and_clear_their_own_number() {
    let mut c = RetransmitCache::new(4, 8);
    assert!(c.store(1, &pkt(1, 8)));
    assert!(!c.store(2, &pkt(2, 9)));
    assert_eq!(c.get(2), None);
    assert!(!c.store(1, &pkt(1, 9))); // a new, too-long version of 1
    assert_eq!(c.get(1), None);
    assert!(c.store(3, &[]));
    assert_eq!(c.get(3), Some(&[][..]));
}

#[test]
fn duplicate_store_replaces() {
    let mut c = RetransmitCache::new(4, 8);
    c.store(5, &[1, 1]);
    c.store(5, &[2, 2, 2]);
    assert_eq!(c.get(5), Some(&[2, 2, 2][..]));
}

#[test]
fn capacity_is_a_bounded_power_of_two() {
    assert_eq!(RetransmitCache::new(512, 1200).capacity(), 512);
    assert_eq!(RetransmitCache::new(500, 1).capacity(), 512);
    assert_eq!(RetransmitCache::new(0, 1).capacity(), 1);
    assert_eq!(RetransmitCache::new(1 << 20, 1).capacity(), MAX_CAPACITY);
    let mut one = RetransmitCache::new(1, 4);
    one.store(7, &[7]);
    one.store(8, &[8]);
    assert_eq!((one.get(7), one.get(8)), (None, Some(&[8][..])));
}

#[test]
fn clear_forgets_everything() {
    let mut c = RetransmitCache::new(4, 4);
    c.store(40_000, &[1]);
    c.clear();
    assert_eq!(c.get(40_000), None);
    assert!(c.store(3, &[3])); // a restarted stream far "behind" is accepted after clear
    assert_eq!(c.get(3), Some(&[3][..]));
}

#[test]
fn a_long_script_matches_a_model() {
    // Model: the newest 64 sequence numbers stored, by number.
    let mut c = RetransmitCache::new(64, 4);
    let mut rng = crate::test_util::XorShift::new(99);
    let mut seq = 60_000u16;
    let mut model = std::collections::HashMap::new();
    for _ in 0..5_000 {
        seq = seq.wrapping_add(1 + rng.below(3) as u16); // small gaps
        let body = (seq as u32 * 7).to_be_bytes();
        c.store(seq, &body);
        model.insert(seq, body);
        let probe = seq.wrapping_sub(rng.below(80) as u16);
        let expected = model
            .get(&probe)
            .filter(|_| seq.wrapping_sub(probe) < 64)
            .map(|b| &b[..]);
        assert_eq!(c.get(probe), expected, "seq {seq} probe {probe}");
    }
}
