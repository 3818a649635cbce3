use super::gso::GsoPlan;
use super::{RecvBatch, Received, SendBatch, SendOutcome, RECV_SLOT};
use std::io;
use std::mem::{size_of, zeroed};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6, UdpSocket};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};

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

/// `UDP_SEGMENT` (linux/udp.h): the segment size of a GSO send, as a `u16` control message.
const UDP_SEGMENT: libc::c_int = 103;
/// `CMSG_SPACE(sizeof(u16))` on 64-bit Linux, in 8-byte words (aligned like a `cmsghdr`).
// SAFETY: CMSG_SPACE only computes a size.
const CONTROL_WORDS: usize = (unsafe { libc::CMSG_SPACE(size_of::<u16>() as u32) } as usize).div_ceil(8);

/// Send-side scratch: the syscall arrays plus the GSO plan and one control buffer per message.
pub(super) struct SendScratch {
    base: Scratch,
    controls: Vec<[u64; CONTROL_WORDS]>,
    plan: GsoPlan,
}

// SAFETY: as for `Scratch`.
unsafe impl Send for SendScratch {}

impl SendScratch {
    pub(super) fn new(n: usize) -> Self {
        Self {
            base: Scratch::new(n),
            controls: vec![[0; CONTROL_WORDS]; n],
            plan: GsoPlan::with_capacity(n),
        }
    }
}

/// Whether the kernel knows `UDP_SEGMENT` (Linux ≥ 4.18).
pub(super) fn gso_supported(socket: &UdpSocket) -> bool {
    let mut value: libc::c_int = 0;
    let mut len = size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: `value` and `len` are valid for the duration of the call.
    let r = unsafe {
        libc::getsockopt(
            socket.as_raw_fd(),
            libc::SOL_UDP,
            UDP_SEGMENT,
            (&mut value as *mut libc::c_int).cast(),
            &mut len,
        )
    };
    r == 0
}

/// Sends the batch; with `gso` each run of same-destination datagrams (see [`GsoPlan`]) goes as
/// one GSO message. A GSO message the kernel refuses for GSO's sake goes datagram by datagram;
/// EIO (the device cannot checksum) or EOPNOTSUPP also turn `gso` off for good.
pub(super) fn send(socket: &UdpSocket, batch: &mut SendBatch, gso: &AtomicBool) -> SendOutcome {
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
    let SendScratch { base, controls, plan } = scratch;
    let Scratch { addrs, iovs, hdrs } = base;
    plan.build(data_lens, to, gso.load(Ordering::Relaxed));
    for (j, &i) in plan.order.iter().enumerate() {
        let i = i as usize;
        iovs[j] = libc::iovec {
            iov_base: bufs[i * super::SEND_SLOT..].as_mut_ptr().cast(),
            iov_len: data_lens[i],
        };
    }
    let m = plan.messages.len();
    for (k, msg) in plan.messages.iter().enumerate() {
        let dest = to[plan.order[msg.start] as usize];
        let name_len = write_storage(dest, &mut addrs[k]);
        // SAFETY: all-zero msghdr is valid; the pointers below outlive the syscall.
        let mut h: libc::mmsghdr = unsafe { zeroed() };
        h.msg_hdr.msg_name = (&mut addrs[k] as *mut libc::sockaddr_storage).cast();
        h.msg_hdr.msg_namelen = name_len;
        h.msg_hdr.msg_iov = &mut iovs[msg.start];
        h.msg_hdr.msg_iovlen = msg.count as _;
        if msg.count > 1 {
            write_segment_control(&mut controls[k], msg.segment as u16);
            h.msg_hdr.msg_control = controls[k].as_mut_ptr().cast();
            h.msg_hdr.msg_controllen = (CONTROL_WORDS * 8) as _;
        }
        hdrs[k] = h;
    }
    let mut at = 0;
    // Bounded: each round either sends ≥ 1 message or skips the failing one.
    while at < m {
        // SAFETY: `hdrs[at..m]` are valid headers pointing into live buffers and controls.
        let r = unsafe {
            libc::sendmmsg(
                socket.as_raw_fd(),
                hdrs.as_mut_ptr().add(at),
                (m - at) as libc::c_uint,
                0,
            )
        };
        if r > 0 {
            for (h, msg) in hdrs[at..at + r as usize].iter().zip(&plan.messages[at..]) {
                outcome.bytes += h.msg_len as usize;
                outcome.sent += msg.count;
                if msg.count > 1 {
                    outcome.coalesced += msg.count;
                }
            }
            at += r as usize;
            continue;
        }
        let err = io::Error::last_os_error();
        if err.kind() == io::ErrorKind::Interrupted {
            continue;
        }
        let msg = plan.messages[at];
        // EIO / EOPNOTSUPP: this path cannot do GSO at all; EINVAL / EMSGSIZE: not for this
        // message (a segment above the path MTU: sent alone, the kernel fragments it).
        let errno = err.raw_os_error();
        if msg.count > 1 && matches!(errno, Some(libc::EIO | libc::EOPNOTSUPP | libc::EINVAL | libc::EMSGSIZE)) {
            if matches!(errno, Some(libc::EIO | libc::EOPNOTSUPP)) {
                gso.store(false, Ordering::Relaxed);
            }
            let dest = to[plan.order[msg.start] as usize];
            for &i in &plan.order[msg.start..msg.start + msg.count] {
                let i = i as usize;
                match socket.send_to(&bufs[i * super::SEND_SLOT..][..data_lens[i]], dest) {
                    Ok(b) => {
                        outcome.sent += 1;
                        outcome.bytes += b;
                    }
                    Err(_) => outcome.failed += 1,
                }
            }
        } else {
            outcome.failed += msg.count; // the first message of the rest failed: skip it
        }
        at += 1;
    }
    outcome
}

/// One `cmsghdr` {len, SOL_UDP, UDP_SEGMENT} followed by the segment size.
fn write_segment_control(buf: &mut [u64; CONTROL_WORDS], segment: u16) {
    *buf = [0; CONTROL_WORDS];
    // SAFETY: the buffer is 8-byte aligned and CMSG_SPACE(2) bytes long; CMSG_FIRSTHDR of a
    // msghdr over it is its start, and CMSG_DATA lies inside it.
    unsafe {
        let mut m: libc::msghdr = zeroed();
        m.msg_control = buf.as_mut_ptr().cast();
        m.msg_controllen = (CONTROL_WORDS * 8) as _;
        let c = libc::CMSG_FIRSTHDR(&m);
        (*c).cmsg_level = libc::SOL_UDP;
        (*c).cmsg_type = UDP_SEGMENT;
        (*c).cmsg_len = libc::CMSG_LEN(size_of::<u16>() as u32) as _;
        std::ptr::write_unaligned(libc::CMSG_DATA(c).cast::<u16>(), segment);
    }
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
