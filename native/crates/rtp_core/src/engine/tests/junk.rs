//! Random datagrams of every class, from known and unknown addresses, through a rig with live
//! routes: nothing panics, every datagram is accounted for exactly once, media keeps flowing.

use super::{counter, rig, stun_request};
use crate::engine::counters::Counter;
use crate::net::RECV_SLOT;
use crate::test_util::{vp8_key, XorShift};

#[test]
fn every_random_datagram_is_dropped_or_delivered_exactly_once() {
    let mut r = rig();
    r.route();
    r.state.bind_ufrag(r.publisher.endpoint, b"pubu").unwrap();
    let known = [r.publisher.addr, r.subscriber.addr];
    let mut rng = XorShift::new(0xD1CE);
    let mut slot = vec![0u8; RECV_SLOT];
    let first_bytes = [0u8, 1, 2, 3, 16, 20, 22, 23, 63, 64, 79, 128, 0x81, 0x90, 191, 192, 255];
    for i in 0..20_000u32 {
        let len = match rng.below(10) {
            0 => 0,
            1 => rng.below(4) as usize,
            2 => 20 + rng.below(40) as usize, // around the STUN header size
            _ => rng.below(1400) as usize,
        };
        rng.fill(&mut slot[..len]);
        if len > 0 {
            slot[0] = first_bytes[rng.below(first_bytes.len() as u64) as usize];
        }
        if len > 1 && slot[0] >= 128 && rng.below(2) == 0 {
            slot[1] = 192 + rng.below(32) as u8; // RTCP packet types
        }
        if i % 97 == 0 {
            // Now and then a well-formed check naming a real ufrag, from a random port.
            let m = stun_request("pubu:x");
            slot[..m.len()].copy_from_slice(&m);
            let from = format!("127.0.0.1:{}", 30000 + rng.below(1000)).parse().unwrap();
            r.state.on_datagram(from, &mut slot, m.len(), false);
            continue;
        }
        let from = if rng.below(3) == 0 {
            format!("127.0.0.2:{}", rng.below(65535)).parse().unwrap()
        } else {
            known[rng.below(2) as usize]
        };
        let truncated = rng.below(50) == 0;
        r.state.on_datagram(from, &mut slot, len, truncated);
        if i % 1000 == 0 {
            r.state.tick();
            r.sent_to(r.subscriber.addr);
        }
    }
    let c = |k| counter(&r.state, k);
    let accounted = c(Counter::StunToJs)
        + c(Counter::DtlsToJs)
        + c(Counter::MediaToJs)
        + c(Counter::OtherToJs)
        + c(Counter::DropControlQueueFull)
        + c(Counter::DropUnknownEndpoint)
        + c(Counter::DropMalformed)
        + c(Counter::DropOversized)
        + c(Counter::DropNoKeys)
        + c(Counter::DropAuth)
        + c(Counter::DropReplay)
        + c(Counter::RtpIn)
        + c(Counter::RtcpIn);
    assert_eq!(accounted, c(Counter::RxDatagrams));
    assert_eq!(c(Counter::RxDatagrams), 20_000);
    assert_eq!(c(Counter::MediaToJs) + c(Counter::RtpIn) + c(Counter::RtcpIn), 0);
    assert!(c(Counter::DropAuth) > 1000 && c(Counter::DropUnknownEndpoint) > 1000 && c(Counter::DropMalformed) > 1000);
    assert!(c(Counter::StunToJs) >= 200);

    // The legitimate stream is untouched.
    r.publish(1, &vp8_key());
    assert_eq!(r.sent_to(r.subscriber.addr).len(), 1);
}
