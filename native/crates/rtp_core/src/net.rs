//! Sockets of the native media plane.

pub mod udp;

pub use udp::{BatchSocket, RecvBatch, Received, SendBatch, SendOutcome, RECV_SLOT, SEND_SLOT};
