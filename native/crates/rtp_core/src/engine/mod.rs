//! The native media engine: one UDP socket for every PeerConnection, and a receive thread that
//! keeps SRTP/SRTCP in Rust (decrypt, route, rewrite, encrypt, send, RTCP feedback) and queues
//! STUN and DTLS for JavaScript, where werift's ICE agent and DTLS socket run over a shim
//! transport per endpoint.
//!
//! Threads: the receive thread owns the loop (blocking `recvmmsg` with a short timeout, so it
//! also runs timers and notices shutdown); JavaScript calls control operations from its own
//! thread. Both go through one mutex around [`State`], taken once per receive batch.

mod control_queue;
mod counters;
mod datagram;
mod endpoint;
mod nack_out;
mod error;
mod outbox;
mod rtcp_out;
mod twcc_out;
mod sent_ring;
mod state;

#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

pub use control_queue::CONTROL_STRIDE;
pub use counters::{Counter, Counters, COUNTER_COUNT, COUNTER_NAMES};
pub use endpoint::IncomingSpec;
pub use error::EngineError;
pub use state::{EngineConfig, State};

use crate::net::{BatchSocket, RecvBatch};

/// Where and how the engine listens.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// Address and port to bind; port 0 lets the OS choose (ignored with `port_range`).
    pub bind: SocketAddr,
    pub port_range: Option<(u16, u16)>,
    /// How long one receive call waits before the loop runs its timers.
    pub recv_timeout: Duration,
    /// Datagrams taken per `recvmmsg`.
    pub recv_batch: usize,
    /// Coalesce same-destination sends with UDP GSO where the kernel offers it.
    pub gso: bool,
    pub config: EngineConfig,
}

impl EngineOptions {
    pub fn new(bind: SocketAddr) -> Self {
        Self {
            bind,
            port_range: None,
            recv_timeout: Duration::from_millis(20),
            recv_batch: 32,
            gso: true,
            config: EngineConfig::default(),
        }
    }
}

/// Called (from the receive thread) when control datagrams were queued and no earlier call is
/// still unanswered; the callee drains the queue with [`Engine::drain_control`]. Returns false
/// when the call could not be delivered (it is retried with the next batch).
pub type Doorbell = Box<dyn Fn() -> bool + Send + Sync>;

struct Shared {
    state: Mutex<State>,
    stop: AtomicBool,
    /// A doorbell call is outstanding (set by the receive thread, cleared by a drain).
    rung: AtomicBool,
    doorbell: Doorbell,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock is caught and counted; the state stays usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

pub struct Engine {
    shared: Arc<Shared>,
    local_addr: SocketAddr,
    thread: Option<JoinHandle<()>>,
}

impl Engine {
    pub fn start(options: EngineOptions, doorbell: Doorbell) -> Result<Self, EngineError> {
        let io = |e: std::io::Error| EngineError::Io(e.to_string());
        let socket = Arc::new(BatchSocket::bind(options.bind, options.port_range).map_err(io)?);
        socket.set_recv_timeout(options.recv_timeout).map_err(io)?;
        socket.set_gso(options.gso);
        let local_addr = socket.local_addr().map_err(io)?;
        let shared = Arc::new(Shared {
            state: Mutex::new(State::new(options.config, Some(socket.clone()))),
            stop: AtomicBool::new(false),
            rung: AtomicBool::new(false),
            doorbell,
        });
        let worker = shared.clone();
        let batch = options.recv_batch;
        let thread = std::thread::Builder::new()
            .name("opencalls-media".into())
            .spawn(move || receive_loop(&worker, &socket, batch))
            .map_err(io)?;
        Ok(Self {
            shared,
            local_addr,
            thread: Some(thread),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    pub fn is_closed(&self) -> bool {
        self.thread.is_none()
    }

    /// Runs a control operation on the state, then sends what it queued.
    pub fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> Result<R, EngineError> {
        if self.is_closed() {
            return Err(EngineError::Closed);
        }
        let mut state = self.shared.lock();
        let r = f(&mut state);
        state.flush();
        Ok(r)
    }

    /// Moves queued control datagrams into caller buffers (see `ControlQueue::drain`).
    pub fn drain_control(&self, out: &mut [u8], index: &mut [u32]) -> Result<usize, EngineError> {
        self.shared.rung.store(false, Ordering::SeqCst);
        self.with(|s| s.drain_control(out, index))
    }

    /// Stops the receive thread and closes the socket. Idempotent.
    pub fn close(&mut self) {
        let Some(thread) = self.thread.take() else {
            return;
        };
        self.shared.stop.store(true, Ordering::SeqCst);
        let _ = thread.join();
        self.shared.lock().close();
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.close();
    }
}

fn receive_loop(shared: &Shared, socket: &BatchSocket, batch_size: usize) {
    let mut batch = RecvBatch::new(batch_size);
    // Bounded by `stop`: each iteration waits at most the receive timeout.
    while !shared.stop.load(Ordering::SeqCst) {
        let got = socket.recv(&mut batch).unwrap_or(0);
        let mut state = shared.lock();
        let queued_before = state.control.len();
        let result = catch_unwind(AssertUnwindSafe(|| {
            for i in 0..got {
                let (meta, slot) = batch.get_mut(i);
                state.on_datagram(meta.from, slot, meta.len, meta.truncated);
            }
            state.tick();
        }));
        if result.is_err() {
            state.counters.inc(Counter::Panics);
        }
        state.flush();
        let ring = state.control.len() > queued_before || (!state.control.is_empty() && !shared.rung.load(Ordering::SeqCst));
        drop(state);
        if ring && !shared.rung.swap(true, Ordering::SeqCst) && !(shared.doorbell)() {
            shared.rung.store(false, Ordering::SeqCst);
        }
    }
}
