//! Micro benchmark of SRTP protect/unprotect for 1100-byte RTP payloads, both profiles.
//!
//! `cargo run --release --example srtp_bench -p rtp_core`
//!
//! Packets are prepared up front (unprotect needs fresh sequence numbers because of the replay
//! check), so the timed loops do nothing but the SRTP call. Prints the best of several rounds, and
//! checks with a counting allocator that the timed loops allocate nothing. (The first packet of
//! each context, which adds the SSRC's entry to the context's stream map, runs before the timer.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use rtp_core::{SrtpContext, SrtpProfile};

const PAYLOAD: usize = 1100;
const PACKETS: usize = 20_000;
const ROUNDS: usize = 5;
const SLOT: usize = 12 + PAYLOAD + 32;

struct CountingAlloc;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator and only counts.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

fn packet(seq: u16, out: &mut [u8]) -> usize {
    out[0] = 0x80;
    out[1] = 96;
    out[2..4].copy_from_slice(&seq.to_be_bytes());
    out[4..8].copy_from_slice(&(u32::from(seq) * 3000).to_be_bytes());
    out[8..12].copy_from_slice(&0x1234_5678u32.to_be_bytes());
    for (i, b) in out[12..12 + PAYLOAD].iter_mut().enumerate() {
        *b = i as u8;
    }
    12 + PAYLOAD
}

fn bench(profile: SrtpProfile) -> (f64, f64) {
    let key = [0x11; 16];
    let salt = vec![0x22; profile.salt_len()];
    let mut buf = vec![0u8; SLOT * PACKETS];
    let (mut best_protect, mut best_unprotect) = (f64::MAX, f64::MAX);
    for round in 0..ROUNDS {
        let mut tx = SrtpContext::new(profile, &key, &salt).unwrap();
        let mut rx = SrtpContext::new(profile, &key, &salt).unwrap();
        let mut lens = Vec::with_capacity(PACKETS);
        for (i, slot) in buf.chunks_mut(SLOT).enumerate() {
            lens.push(packet((round * PACKETS + i) as u16, slot));
        }

        // The first packet creates the SSRC's state in each context: not timed.
        lens[0] = tx.protect_rtp(&mut buf[..SLOT], lens[0]).unwrap();
        rx.unprotect_rtp(&mut buf[..lens[0]]).unwrap();
        let allocations = ALLOCATIONS.load(Ordering::Relaxed);

        let start = Instant::now();
        for (slot, len) in buf.chunks_mut(SLOT).zip(lens.iter_mut()).skip(1) {
            *len = tx.protect_rtp(black_box(slot), *len).unwrap();
        }
        best_protect = best_protect.min(start.elapsed().as_nanos() as f64 / (PACKETS - 1) as f64);

        let start = Instant::now();
        for (slot, len) in buf.chunks_mut(SLOT).zip(lens.iter()).skip(1) {
            black_box(rx.unprotect_rtp(black_box(&mut slot[..*len])).unwrap());
        }
        best_unprotect =
            best_unprotect.min(start.elapsed().as_nanos() as f64 / (PACKETS - 1) as f64);
        let allocated = ALLOCATIONS.load(Ordering::Relaxed) - allocations;
        assert_eq!(allocated, 0, "{profile}: the packet loops allocated");
    }
    (best_protect, best_unprotect)
}

fn main() {
    println!("SRTP, {PAYLOAD}-byte payload + 12-byte header, best of {ROUNDS} x {PACKETS} packets");
    for profile in [SrtpProfile::Aes128CmHmacSha1_80, SrtpProfile::AeadAes128Gcm] {
        let (protect, unprotect) = bench(profile);
        println!(
            "{:<28} protect {protect:7.0} ns/packet   unprotect {unprotect:7.0} ns/packet",
            profile.name()
        );
    }
}
