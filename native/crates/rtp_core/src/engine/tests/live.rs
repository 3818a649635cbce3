//! The engine with its real receive thread and socket on 127.0.0.1.

use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::stun_request;
use crate::engine::{Counter, Engine, EngineOptions, CONTROL_STRIDE};

#[test]
fn control_datagrams_ring_the_doorbell_and_drain_with_their_source() {
    let rings = Arc::new(AtomicUsize::new(0));
    let counted = rings.clone();
    let mut engine = Engine::start(
        EngineOptions::new(SocketAddr::from(([127, 0, 0, 1], 0))),
        Box::new(move || {
            counted.fetch_add(1, Ordering::SeqCst);
            true
        }),
    )
    .unwrap();
    let port = engine.local_addr().port();
    assert_ne!(port, 0);
    let ep = engine.with(|s| s.create_endpoint()).unwrap();
    engine.with(|s| s.bind_ufrag(ep, b"live")).unwrap().unwrap();

    let client = UdpSocket::bind("127.0.0.1:0").unwrap();
    client.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    client.send_to(&stun_request("live:peer"), engine.local_addr()).unwrap();
    client.send_to(&[0xde, 0xad], engine.local_addr()).unwrap(); // junk: dropped natively

    let deadline = Instant::now() + Duration::from_secs(5);
    while rings.load(Ordering::SeqCst) == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(rings.load(Ordering::SeqCst), 1);
    let mut out = vec![0u8; 2048];
    let mut index = vec![0u32; CONTROL_STRIDE * 4];
    assert_eq!(engine.drain_control(&mut out, &mut index).unwrap(), 1);
    assert_eq!(index[0], ep);
    assert_eq!(index[3], u32::from(client.local_addr().unwrap().port()));

    // werift answers through the engine's socket.
    engine
        .with(|s| s.send_control(ep, &[1, 1, 0, 0], client.local_addr().unwrap()))
        .unwrap()
        .unwrap();
    let mut buf = [0u8; 64];
    let (n, from) = client.recv_from(&mut buf).unwrap();
    assert_eq!((&buf[..n], from.port()), (&[1u8, 1, 0, 0][..], port));

    // Wait until the junk datagram has been counted too (same batch or the next one).
    while engine.with(|s| s.counters().get(Counter::DropMalformed)).unwrap() == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    let c = engine.with(|s| s.counters().clone()).unwrap();
    assert_eq!((c.get(Counter::StunToJs), c.get(Counter::DropMalformed)), (1, 1));
    assert_eq!(c.get(Counter::TxDatagrams), 1);

    engine.close();
    engine.close();
    assert!(engine.with(|s| s.create_endpoint()).is_err());
}
