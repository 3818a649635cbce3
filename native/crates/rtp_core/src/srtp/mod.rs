//! SRTP and SRTCP (RFC 3711) for the two DTLS-SRTP profiles WebRTC negotiates:
//! AES_CM_128_HMAC_SHA1_80 (RFC 3711 §4.1.1, §4.2.1; RFC 5764 §4.1.2) and AEAD_AES_128_GCM
//! (RFC 7714).
//!
//! The block cipher, MAC and AEAD come from RustCrypto (`aes`, `ctr`, `hmac`, `sha1`, `aes-gcm`).
//! The SRTP construction around them is here: key derivation (`kdf`), packet index and ROC
//! estimation with the replay window (`replay`), IVs, associated data and packet layouts
//! (`cm`, `gcm`), per-SSRC state (`ssrc_map`) and the public [`SrtpContext`].

mod cm;
mod context;
mod error;
mod gcm;
mod header;
mod kdf;
mod profile;
mod replay;
mod ssrc_map;

#[cfg(test)]
mod tests;

pub use context::SrtpContext;
pub use error::SrtpError;
pub use profile::SrtpProfile;
