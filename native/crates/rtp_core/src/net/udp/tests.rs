use super::*;
use std::net::SocketAddr;
use std::time::Duration;

fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

#[test]
fn batch_send_and_receive_keep_bytes_and_sources() {
    let a = BatchSocket::bind(loopback(), None).unwrap();
    let b = BatchSocket::bind(loopback(), None).unwrap();
    b.set_recv_timeout(Duration::from_millis(500)).unwrap();
    let to = b.local_addr().unwrap();
    let mut out = SendBatch::new(8);
    for i in 0..5u8 {
        let slot = out.slot().unwrap();
        slot[..3].copy_from_slice(&[i, i, i]);
        out.commit(3 + usize::from(i), to);
    }
    let sent = a.send(&mut out);
    // Each one longer than the one before: nothing to coalesce.
    assert_eq!(sent, SendOutcome { sent: 5, bytes: 3 + 4 + 5 + 6 + 7, failed: 0, coalesced: 0 });

    let mut inb = RecvBatch::new(16);
    let mut seen = Vec::new();
    // Bounded: at most 5 receive calls for 5 datagrams.
    for _ in 0..5 {
        let n = b.recv(&mut inb).unwrap();
        for i in 0..n {
            let (meta, slot) = inb.get_mut(i);
            assert_eq!(meta.from, a.local_addr().unwrap());
            assert!(!meta.truncated);
            seen.push((slot[0], meta.len));
        }
        if seen.len() == 5 {
            break;
        }
    }
    assert_eq!(seen, vec![(0, 3), (1, 4), (2, 5), (3, 6), (4, 7)]);
}

#[test]
fn oversized_datagrams_are_flagged_and_timeouts_are_empty() {
    let a = BatchSocket::bind(loopback(), None).unwrap();
    let b = BatchSocket::bind(loopback(), None).unwrap();
    b.set_recv_timeout(Duration::from_millis(30)).unwrap();
    let mut inb = RecvBatch::new(4);
    assert_eq!(b.recv(&mut inb).unwrap(), 0);
    a.send_to(&vec![7u8; RECV_SLOT + 100], b.local_addr().unwrap()).unwrap();
    b.set_recv_timeout(Duration::from_millis(500)).unwrap();
    assert_eq!(b.recv(&mut inb).unwrap(), 1);
    let (meta, _) = inb.get_mut(0);
    assert!(meta.truncated);
}

#[test]
fn binds_inside_a_port_range() {
    let probe = std::net::UdpSocket::bind(loopback()).unwrap();
    let base = probe.local_addr().unwrap().port();
    drop(probe);
    let lo = base.saturating_sub(5).max(1024);
    let s = BatchSocket::bind(loopback(), Some((lo, lo + 10))).unwrap();
    let port = s.local_addr().unwrap().port();
    assert!((lo..=lo + 10).contains(&port));
    assert!(BatchSocket::bind(loopback(), Some((10, 5))).is_err());
}

#[test]
fn a_failed_destination_does_not_stop_the_batch() {
    let a = BatchSocket::bind(loopback(), None).unwrap();
    let b = BatchSocket::bind(loopback(), None).unwrap();
    b.set_recv_timeout(Duration::from_millis(500)).unwrap();
    let mut out = SendBatch::new(4);
    out.slot().unwrap()[0] = 1;
    // An IPv6 destination on an IPv4 socket is refused by the kernel.
    out.commit(1, "[::1]:9".parse().unwrap());
    out.slot().unwrap()[0] = 2;
    out.commit(1, b.local_addr().unwrap());
    let r = a.send(&mut out);
    assert_eq!((r.sent, r.failed), (1, 1));
    let mut inb = RecvBatch::new(4);
    assert_eq!(b.recv(&mut inb).unwrap(), 1);
    assert_eq!(inb.get_mut(0).1[0], 2);
}

/// Three "packets" of one frame (two of 1100 bytes, one of 700), each copied to three receivers
/// in route order, as the forwarder queues them.
fn fan_out_frame(out: &mut SendBatch, receivers: &[SocketAddr]) {
    for (p, len) in [1100usize, 1100, 700].into_iter().enumerate() {
        for (r, &to) in receivers.iter().enumerate() {
            let slot = out.slot().unwrap();
            slot[..len].fill((10 * r + p) as u8);
            out.commit(len, to);
        }
    }
}

/// Receives `want` datagrams (bounded by `want` calls) as (first byte, length).
fn receive(s: &BatchSocket, want: usize) -> Vec<(u8, usize)> {
    let mut inb = RecvBatch::new(16);
    let mut seen = Vec::new();
    for _ in 0..want {
        let n = s.recv(&mut inb).unwrap();
        for i in 0..n {
            let (meta, slot) = inb.get_mut(i);
            assert!(slot[..meta.len].iter().all(|&b| b == slot[0]), "segment bytes intact");
            seen.push((slot[0], meta.len));
        }
        if seen.len() >= want {
            break;
        }
    }
    seen
}

fn gso_round(gso: bool) -> SendOutcome {
    let a = BatchSocket::bind(loopback(), None).unwrap();
    a.set_gso(gso);
    let rx: Vec<BatchSocket> = (0..3).map(|_| BatchSocket::bind(loopback(), None).unwrap()).collect();
    let to: Vec<SocketAddr> = rx.iter().map(|s| s.local_addr().unwrap()).collect();
    let mut out = SendBatch::new(16);
    fan_out_frame(&mut out, &to);
    let outcome = a.send(&mut out);
    for (r, s) in rx.iter().enumerate() {
        s.set_recv_timeout(Duration::from_millis(500)).unwrap();
        let base = (10 * r) as u8;
        // Each receiver gets its three datagrams as sent, in order.
        assert_eq!(receive(s, 3), vec![(base, 1100), (base + 1, 1100), (base + 2, 700)]);
    }
    outcome
}

#[cfg(target_os = "linux")]
#[test]
fn gso_sends_one_message_per_destination_and_receivers_see_each_datagram() {
    let outcome = gso_round(true);
    assert_eq!(outcome, SendOutcome { sent: 9, bytes: 3 * 2900, failed: 0, coalesced: 9 });
}

#[test]
fn without_gso_the_same_batch_goes_datagram_by_datagram() {
    let outcome = gso_round(false);
    assert_eq!(outcome, SendOutcome { sent: 9, bytes: 3 * 2900, failed: 0, coalesced: 0 });
}

#[cfg(target_os = "linux")]
#[test]
fn a_refused_gso_message_fails_its_segments_only() {
    let a = BatchSocket::bind(loopback(), None).unwrap();
    assert!(a.gso_enabled(), "Linux ≥ 4.18 offers UDP_SEGMENT");
    let b = BatchSocket::bind(loopback(), None).unwrap();
    b.set_recv_timeout(Duration::from_millis(500)).unwrap();
    // An IPv6 destination on an IPv4 socket is refused (EAFNOSUPPORT / EINVAL) whether or not
    // GSO is used; the receiver on IPv4 still gets its run.
    let v6: SocketAddr = "[::1]:9".parse().unwrap();
    let mut out = SendBatch::new(16);
    fan_out_frame(&mut out, &[v6, b.local_addr().unwrap()]);
    let r = a.send(&mut out);
    assert_eq!((r.sent, r.failed), (3, 3));
    assert_eq!(receive(&b, 3), vec![(10, 1100), (11, 1100), (12, 700)]);
    assert!(a.gso_enabled(), "one unreachable peer does not turn GSO off");
}
