//! A UDP socket with batched receive and send: `recvmmsg(2)` / `sendmmsg(2)` on Linux, one
//! `recv_from` / `send_to` per datagram elsewhere. Buffers are owned by the batches and reused, so
//! the steady state allocates nothing. UDP GSO (`UDP_SEGMENT`) is not used: forwarded copies go to
//! different peers, so there are few same-destination runs to coalesce.

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::time::Duration;

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
    scratch: linux::Scratch,
}

impl SendBatch {
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self {
            bufs: vec![0; capacity * SEND_SLOT],
            lens: Vec::with_capacity(capacity),
            to: Vec::with_capacity(capacity),
            #[cfg(target_os = "linux")]
            scratch: linux::Scratch::new(capacity),
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
}

/// A bound UDP socket; shareable between threads (`&self` everywhere).
pub struct BatchSocket {
    socket: UdpSocket,
}

impl BatchSocket {
    /// Binds `addr`; when `range` is given the port of `addr` is ignored and the first free port
    /// of the range (starting at a pseudo-random offset) is taken.
    pub fn bind(addr: SocketAddr, range: Option<(u16, u16)>) -> io::Result<Self> {
        let socket = match range {
            None => UdpSocket::bind(addr)?,
            Some((lo, hi)) => bind_in_range(addr.ip(), lo, hi)?,
        };
        Ok(Self { socket })
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
        linux::send(&self.socket, batch)
    }
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
mod linux {
    use super::{RecvBatch, Received, SendBatch, SendOutcome, RECV_SLOT};
    use std::io;
    use std::mem::{size_of, zeroed};
    use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6, UdpSocket};
    use std::os::fd::AsRawFd;

    /// Per-batch syscall arrays, reused on every call (their pointers are reset each time).
    pub(super) struct Scratch {
        addrs: Vec<libc::sockaddr_storage>,
        iovs: Vec<libc::iovec>,
        hdrs: Vec<libc::mmsghdr>,
    }

    // SAFETY: the raw pointers inside are only meaningful during one syscall made by the owner,
    // and are rewritten before each use.
    unsafe impl Send for Scratch {}

    impl Scratch {
        pub(super) fn new(n: usize) -> Self {
            // SAFETY: plain C structs, all-zero is a valid value for each.
            unsafe {
                Self {
                    addrs: vec![zeroed(); n],
                    iovs: vec![zeroed(); n],
                    hdrs: vec![zeroed(); n],
                }
            }
        }
    }

    pub(super) fn recv(socket: &UdpSocket, batch: &mut RecvBatch) -> io::Result<usize> {
        let n = batch.meta.len();
        let Scratch { addrs, iovs, hdrs } = &mut batch.scratch;
        for (i, chunk) in batch.bufs.chunks_exact_mut(RECV_SLOT).take(n).enumerate() {
            iovs[i] = libc::iovec {
                iov_base: chunk.as_mut_ptr().cast(),
                iov_len: RECV_SLOT,
            };
        }
        for i in 0..n {
            // SAFETY: all-zero msghdr is valid; the pointers below outlive the syscall.
            let mut h: libc::mmsghdr = unsafe { zeroed() };
            h.msg_hdr.msg_name = (&mut addrs[i] as *mut libc::sockaddr_storage).cast();
            h.msg_hdr.msg_namelen = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
            h.msg_hdr.msg_iov = &mut iovs[i];
            h.msg_hdr.msg_iovlen = 1;
            hdrs[i] = h;
        }
        // SAFETY: `hdrs` holds `n` valid headers pointing into live buffers. MSG_WAITFORONE: block
        // (up to SO_RCVTIMEO) for the first datagram only.
        let got = unsafe {
            libc::recvmmsg(
                socket.as_raw_fd(),
                hdrs.as_mut_ptr(),
                n as libc::c_uint,
                libc::MSG_WAITFORONE,
                std::ptr::null_mut(),
            )
        };
        if got < 0 {
            return Err(io::Error::last_os_error());
        }
        let got = got as usize;
        for i in 0..got {
            let h = &hdrs[i];
            let len = h.msg_len as usize;
            batch.meta[i] = Received {
                len: len.min(RECV_SLOT),
                from: from_storage(&addrs[i]).unwrap_or_else(super::placeholder_addr),
                truncated: h.msg_hdr.msg_flags & libc::MSG_TRUNC != 0 || len > RECV_SLOT,
            };
        }
        batch.count = got;
        Ok(got)
    }

    pub(super) fn send(socket: &UdpSocket, batch: &mut SendBatch) -> SendOutcome {
        let n = batch.len();
        let mut outcome = SendOutcome::default();
        if n == 0 {
            return outcome;
        }
        let SendBatch {
            bufs,
            lens: data_lens,
            to,
            scratch,
        } = batch;
        let Scratch { addrs, iovs, hdrs } = scratch;
        for i in 0..n {
            let name_len = write_storage(to[i], &mut addrs[i]);
            iovs[i] = libc::iovec {
                iov_base: bufs[i * super::SEND_SLOT..].as_mut_ptr().cast(),
                iov_len: data_lens[i],
            };
            // SAFETY: all-zero msghdr is valid; the pointers below outlive the syscall.
            let mut h: libc::mmsghdr = unsafe { zeroed() };
            h.msg_hdr.msg_name = (&mut addrs[i] as *mut libc::sockaddr_storage).cast();
            h.msg_hdr.msg_namelen = name_len;
            h.msg_hdr.msg_iov = &mut iovs[i];
            h.msg_hdr.msg_iovlen = 1;
            hdrs[i] = h;
        }
        let mut at = 0;
        // Bounded: each round either sends ≥ 1 datagram or skips the failing one.
        while at < n {
            // SAFETY: `hdrs[at..n]` are valid headers pointing into live buffers.
            let r = unsafe {
                libc::sendmmsg(
                    socket.as_raw_fd(),
                    hdrs.as_mut_ptr().add(at),
                    (n - at) as libc::c_uint,
                    0,
                )
            };
            if r > 0 {
                for h in &hdrs[at..at + r as usize] {
                    outcome.bytes += h.msg_len as usize;
                }
                outcome.sent += r as usize;
                at += r as usize;
            } else {
                let err = io::Error::last_os_error();
                if err.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                outcome.failed += 1; // the first datagram of the rest failed: skip it
                at += 1;
            }
        }
        outcome
    }

    fn from_storage(s: &libc::sockaddr_storage) -> Option<SocketAddr> {
        match i32::from(s.ss_family) {
            libc::AF_INET => {
                // SAFETY: the family says this storage holds a sockaddr_in.
                let a: &libc::sockaddr_in = unsafe { &*(s as *const _ as *const libc::sockaddr_in) };
                let ip = Ipv4Addr::from(u32::from_be(a.sin_addr.s_addr));
                Some(SocketAddr::V4(SocketAddrV4::new(ip, u16::from_be(a.sin_port))))
            }
            libc::AF_INET6 => {
                // SAFETY: the family says this storage holds a sockaddr_in6.
                let a: &libc::sockaddr_in6 =
                    unsafe { &*(s as *const _ as *const libc::sockaddr_in6) };
                let ip = Ipv6Addr::from(a.sin6_addr.s6_addr);
                Some(SocketAddr::V6(SocketAddrV6::new(
                    ip,
                    u16::from_be(a.sin6_port),
                    a.sin6_flowinfo,
                    a.sin6_scope_id,
                )))
            }
            _ => None,
        }
    }

    fn write_storage(addr: SocketAddr, s: &mut libc::sockaddr_storage) -> libc::socklen_t {
        // SAFETY: all-zero is a valid sockaddr_storage.
        *s = unsafe { zeroed() };
        let len = match addr {
            SocketAddr::V4(a) => {
                // SAFETY: sockaddr_storage is large enough and suitably aligned for sockaddr_in.
                let sin: &mut libc::sockaddr_in =
                    unsafe { &mut *(s as *mut _ as *mut libc::sockaddr_in) };
                sin.sin_family = libc::AF_INET as libc::sa_family_t;
                sin.sin_port = a.port().to_be();
                sin.sin_addr = libc::in_addr {
                    s_addr: u32::from(*a.ip()).to_be(),
                };
                size_of::<libc::sockaddr_in>()
            }
            SocketAddr::V6(a) => {
                // SAFETY: sockaddr_storage is large enough and suitably aligned for sockaddr_in6.
                let sin6: &mut libc::sockaddr_in6 =
                    unsafe { &mut *(s as *mut _ as *mut libc::sockaddr_in6) };
                sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
                sin6.sin6_port = a.port().to_be();
                sin6.sin6_addr = libc::in6_addr {
                    s6_addr: a.ip().octets(),
                };
                sin6.sin6_flowinfo = a.flowinfo();
                sin6.sin6_scope_id = a.scope_id();
                size_of::<libc::sockaddr_in6>()
            }
        };
        len as libc::socklen_t
    }
}

#[cfg(test)]
mod tests;
