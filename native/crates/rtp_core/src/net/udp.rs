//! A UDP socket with batched receive and send: `recvmmsg(2)` / `sendmmsg(2)` on Linux, one
//! `recv_from` / `send_to` per datagram elsewhere. Buffers are owned by the batches and reused, so
//! the steady state allocates nothing. Where the kernel offers UDP GSO (`UDP_SEGMENT`, Linux ≥
//! 4.18) a send batch is grouped by destination and each run of same-destination datagrams goes
//! as one GSO message (`udp/gso.rs`): a video frame fanned out to N subscribers costs N messages
//! instead of N × packets.

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

pub mod gso;

/// Bytes reserved per received datagram. Anything longer arrives truncated and is reported as
/// such (WebRTC stays far below: DTLS and SRTP packets are ≤ ~1300 bytes on the wire).
pub const RECV_SLOT: usize = 2048;
/// Bytes reserved per datagram to send.
pub const SEND_SLOT: usize = 1600;

/// One received datagram of a [`RecvBatch`].
#[derive(Debug, Clone, Copy)]
pub struct Received {
    pub len: usize,
    pub from: SocketAddr,
    /// Longer than [`RECV_SLOT`]; the bytes are cut and must not be used.
    pub truncated: bool,
}

/// Reusable storage for up to `capacity` received datagrams.
pub struct RecvBatch {
    bufs: Vec<u8>,
    meta: Vec<Received>,
    count: usize,
    #[cfg(target_os = "linux")]
    scratch: linux::Scratch,
}

impl RecvBatch {
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self {
            bufs: vec![0; capacity * RECV_SLOT],
            meta: vec![
                Received {
                    len: 0,
                    from: SocketAddr::from(([0, 0, 0, 0], 0)),
                    truncated: false,
                };
                capacity
            ],
            count: 0,
            #[cfg(target_os = "linux")]
            scratch: linux::Scratch::new(capacity),
        }
    }

    pub fn capacity(&self) -> usize {
        self.meta.len()
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Datagram `i` (< `len()`): its metadata and its full slot (the bytes are `..meta.len`).
    pub fn get_mut(&mut self, i: usize) -> (Received, &mut [u8]) {
        let meta = self.meta[i];
        let slot = &mut self.bufs[i * RECV_SLOT..(i + 1) * RECV_SLOT];
        (meta, slot)
    }

    pub fn clear(&mut self) {
        self.count = 0;
    }
}

/// Reusable storage for up to `capacity` datagrams to send, each with its own destination.
pub struct SendBatch {
    bufs: Vec<u8>,
    lens: Vec<usize>,
    to: Vec<SocketAddr>,
    #[cfg(target_os = "linux")]
    scratch: linux::SendScratch,
}

impl SendBatch {
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self {
            bufs: vec![0; capacity * SEND_SLOT],
            lens: Vec::with_capacity(capacity),
            to: Vec::with_capacity(capacity),
            #[cfg(target_os = "linux")]
            scratch: linux::SendScratch::new(capacity),
        }
    }

    pub fn capacity(&self) -> usize {
        self.bufs.len() / SEND_SLOT
    }

    pub fn len(&self) -> usize {
        self.lens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lens.is_empty()
    }

    pub fn is_full(&self) -> bool {
        self.len() == self.capacity()
    }

    /// The next free slot ([`SEND_SLOT`] bytes), or `None` when the batch is full. Fill it, then
    /// [`commit`](Self::commit) how many bytes to send.
    pub fn slot(&mut self) -> Option<&mut [u8]> {
        let i = self.len();
        self.bufs.get_mut(i * SEND_SLOT..(i + 1) * SEND_SLOT)
    }

    /// Queues the slot returned by the last [`slot`](Self::slot) call.
    pub fn commit(&mut self, len: usize, to: SocketAddr) {
        debug_assert!(len <= SEND_SLOT && !self.is_full());
        self.lens.push(len.min(SEND_SLOT));
        self.to.push(to);
    }

    /// Datagram `i`: bytes and destination.
    pub fn get(&self, i: usize) -> (&[u8], SocketAddr) {
        (
            &self.bufs[i * SEND_SLOT..i * SEND_SLOT + self.lens[i]],
            self.to[i],
        )
    }

    pub fn clear(&mut self) {
        self.lens.clear();
        self.to.clear();
    }
}

/// What one [`BatchSocket::send`] call did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SendOutcome {
    pub sent: usize,
    pub bytes: usize,
    pub failed: usize,
    /// Of `sent`, the datagrams that went as segments of a GSO message.
    pub coalesced: usize,
}

/// A bound UDP socket; shareable between threads (`&self` everywhere).
pub struct BatchSocket {
    socket: UdpSocket,
    /// Coalesce same-destination runs with UDP GSO (on where the kernel has it; turned off for
    /// good if a send shows the path cannot do it).
    gso: AtomicBool,
}

impl BatchSocket {
    /// Binds `addr`; when `range` is given the port of `addr` is ignored and the first free port
    /// of the range (starting at a pseudo-random offset) is taken.
    pub fn bind(addr: SocketAddr, range: Option<(u16, u16)>) -> io::Result<Self> {
        let socket = match range {
            None => UdpSocket::bind(addr)?,
            Some((lo, hi)) => bind_in_range(addr.ip(), lo, hi)?,
        };
        let gso = AtomicBool::new(gso_supported(&socket));
        Ok(Self { socket, gso })
    }

    /// Turns UDP GSO off (`false`) or back on where the kernel supports it.
    pub fn set_gso(&self, enabled: bool) {
        self.gso.store(enabled && gso_supported(&self.socket), Ordering::Relaxed);
    }

    pub fn gso_enabled(&self) -> bool {
        self.gso.load(Ordering::Relaxed)
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.socket.local_addr()
    }

    /// Bounds how long [`recv`](Self::recv) waits for the first datagram.
    pub fn set_recv_timeout(&self, timeout: Duration) -> io::Result<()> {
        self.socket.set_read_timeout(Some(timeout.max(Duration::from_millis(1))))
    }

    /// Waits (up to the receive timeout) for at least one datagram, then takes what else is
    /// queued, up to the batch's capacity. A timeout yields an empty batch, not an error.
    pub fn recv(&self, batch: &mut RecvBatch) -> io::Result<usize> {
        batch.clear();
        let result = self.recv_impl(batch);
        match result {
            Ok(n) => Ok(n),
            Err(e) if is_transient(&e) => Ok(0),
            Err(e) => Err(e),
        }
    }

    /// Sends every datagram of the batch (the batch is left as is). A datagram the kernel refuses
    /// (unreachable peer, full buffer) is counted as failed and the rest still go out.
    pub fn send(&self, batch: &mut SendBatch) -> SendOutcome {
        self.send_impl(batch)
    }

    /// One datagram, now (the control plane's STUN and DTLS).
    pub fn send_to(&self, data: &[u8], to: SocketAddr) -> io::Result<usize> {
        self.socket.send_to(data, to)
    }

    #[cfg(not(target_os = "linux"))]
    fn recv_impl(&self, batch: &mut RecvBatch) -> io::Result<usize> {
        let (len, from) = self.socket.recv_from(&mut batch.bufs[..RECV_SLOT])?;
        batch.meta[0] = Received {
            len: len.min(RECV_SLOT),
            from,
            truncated: len > RECV_SLOT,
        };
        batch.count = 1;
        Ok(1)
    }

    #[cfg(not(target_os = "linux"))]
    fn send_impl(&self, batch: &mut SendBatch) -> SendOutcome {
        let mut outcome = SendOutcome::default();
        for i in 0..batch.len() {
            let (data, to) = batch.get(i);
            match self.socket.send_to(data, to) {
                Ok(n) => {
                    outcome.sent += 1;
                    outcome.bytes += n;
                }
                Err(_) => outcome.failed += 1,
            }
        }
        outcome
    }

    #[cfg(target_os = "linux")]
    fn recv_impl(&self, batch: &mut RecvBatch) -> io::Result<usize> {
        linux::recv(&self.socket, batch)
    }

    #[cfg(target_os = "linux")]
    fn send_impl(&self, batch: &mut SendBatch) -> SendOutcome {
        linux::send(&self.socket, batch, &self.gso)
    }
}

#[cfg(target_os = "linux")]
fn gso_supported(socket: &UdpSocket) -> bool {
    linux::gso_supported(socket)
}

#[cfg(not(target_os = "linux"))]
fn gso_supported(_socket: &UdpSocket) -> bool {
    false
}

fn is_transient(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock
            | io::ErrorKind::TimedOut
            | io::ErrorKind::Interrupted
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionReset
    )
}

fn bind_in_range(ip: IpAddr, lo: u16, hi: u16) -> io::Result<UdpSocket> {
    if lo == 0 || lo > hi {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("port range {lo}-{hi} is empty"),
        ));
    }
    let span = u32::from(hi - lo) + 1;
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let mut last = io::Error::new(io::ErrorKind::AddrInUse, "no free port");
    for i in 0..span {
        let port = lo + ((seed.wrapping_add(i)) % span) as u16;
        match UdpSocket::bind(SocketAddr::new(ip, port)) {
            Ok(s) => return Ok(s),
            Err(e) => last = e,
        }
    }
    Err(io::Error::new(
        last.kind(),
        format!("no free UDP port in {lo}-{hi}: {last}"),
    ))
}

/// The unspecified address of the other family is never a peer; used as a placeholder.
pub fn placeholder_addr() -> SocketAddr {
    SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0)
}

#[cfg(target_os = "linux")]
mod linux;

#[cfg(test)]
mod tests;
