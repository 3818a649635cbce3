//! A minimal, tolerant STUN message reader (RFC 5389): enough to route an ICE connectivity check
//! to its session by the USERNAME attribute before the full message goes to the ICE agent, and
//! to check a request's MESSAGE-INTEGRITY with the session's ICE password (werift answers
//! Binding requests without checking it). No FINGERPRINT check (the agent does that). Never
//! panics.

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

/// RFC 5389 §6: the fixed value in bytes 4..8 of every STUN message.
pub const MAGIC_COOKIE: u32 = 0x2112_A442;
/// RFC 5389 §6: type, length, cookie, 96-bit transaction id.
pub const HEADER_LEN: usize = 20;
/// RFC 5389 §15.3.
pub const ATTR_USERNAME: u16 = 0x0006;
/// RFC 5389 §15.4.
pub const ATTR_MESSAGE_INTEGRITY: u16 = 0x0008;
/// RFC 5389 §15.5.
pub const ATTR_FINGERPRINT: u16 = 0x8028;

/// True when `buf` starts like a STUN message: at least 20 bytes, the two most significant bits
/// zero and the magic cookie in place.
// RFC 5389 §6 (header), §7.3 (the cookie check distinguishes STUN from other protocols)
pub fn is_stun(buf: &[u8]) -> bool {
    buf.len() >= HEADER_LEN
        && buf[0] & 0xC0 == 0
        && u32::from_be_bytes([buf[4], buf[5], buf[6], buf[7]]) == MAGIC_COOKIE
}

/// One STUN message borrowing its bytes. The attribute area is clamped to what the length field
/// declares; bytes after it (if the datagram is longer) are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StunView<'a> {
    buf: &'a [u8],
    /// The attribute area: `buf[20..20 + declared length]`.
    attrs: &'a [u8],
}

impl<'a> StunView<'a> {
    /// `None` unless [`is_stun`] holds and the declared message length fits in `buf`. A length
    /// that is not a multiple of 4 is accepted (the last attribute is read as far as it goes).
    // RFC 5389 §6
    pub fn parse(buf: &'a [u8]) -> Option<Self> {
        if !is_stun(buf) {
            return None;
        }
        let declared = usize::from(u16::from_be_bytes([buf[2], buf[3]]));
        let attrs = buf.get(HEADER_LEN..HEADER_LEN + declared)?;
        Some(Self { buf, attrs })
    }

    /// The 14-bit message type (method and class bits interleaved), e.g. 0x0001 = Binding request.
    pub fn message_type(&self) -> u16 {
        u16::from_be_bytes([self.buf[0], self.buf[1]]) & 0x3FFF
    }

    /// RFC 5389 §6: `C1` and `C0` bits: 0 request, 1 indication, 2 success, 3 error response.
    pub fn class(&self) -> u8 {
        let t = self.message_type();
        (((t >> 7) & 0b10) | ((t >> 4) & 0b01)) as u8
    }

    /// The 12-bit method with the class bits removed (1 = Binding).
    pub fn method(&self) -> u16 {
        let t = self.message_type();
        (t & 0x000F) | ((t & 0x00E0) >> 1) | ((t & 0x3E00) >> 2)
    }

    pub fn transaction_id(&self) -> &'a [u8; 12] {
        // Cannot fail: parse() checked the buffer holds at least HEADER_LEN bytes.
        self.buf[8..HEADER_LEN].try_into().unwrap_or(&[0; 12])
    }

    /// The whole message including the header, as declared by its length field.
    pub fn as_bytes(&self) -> &'a [u8] {
        &self.buf[..HEADER_LEN + self.attrs.len()]
    }

    /// Attributes in order as `(type, value)` (value without padding). Stops at the first
    /// attribute whose declared length overruns the message.
    pub fn attributes(&self) -> StunAttributes<'a> {
        StunAttributes { rest: self.attrs }
    }

    /// The first attribute of `attr_type` that precedes MESSAGE-INTEGRITY (RFC 5389 §15.4: the
    /// attributes after it, except FINGERPRINT, must be ignored).
    pub fn attribute(&self, attr_type: u16) -> Option<&'a [u8]> {
        for (t, value) in self.attributes() {
            if t == attr_type {
                return Some(value);
            }
            if t == ATTR_MESSAGE_INTEGRITY && attr_type != ATTR_FINGERPRINT {
                return None;
            }
        }
        None
    }

    /// RFC 5389 §15.4: whether the message carries a MESSAGE-INTEGRITY that is the HMAC-SHA1,
    /// keyed with `key` (the short-term credential: the ICE password), of the message up to that
    /// attribute, with the header's length field counting up to the end of it.
    pub fn integrity_ok(&self, key: &[u8]) -> bool {
        let mut at = HEADER_LEN;
        // Bounded: every round moves past one attribute of the declared area.
        for (t, value) in self.attributes() {
            if t == ATTR_MESSAGE_INTEGRITY {
                if value.len() != 20 {
                    return false;
                }
                let Ok(mut mac) = <Hmac<Sha1> as KeyInit>::new_from_slice(key) else {
                    return false;
                };
                let length = (at - HEADER_LEN + 24) as u16;
                mac.update(&self.buf[..2]);
                mac.update(&length.to_be_bytes());
                mac.update(&self.buf[4..at]);
                return mac.verify_slice(value).is_ok();
            }
            at += 4 + value.len().div_ceil(4) * 4;
        }
        false
    }

    /// The length of the message up to the end of MESSAGE-INTEGRITY, or of a FINGERPRINT right
    /// after it (RFC 5389 §15.4: other attributes after MESSAGE-INTEGRITY are unauthenticated and
    /// must be ignored). `None` without MESSAGE-INTEGRITY.
    pub fn authenticated_len(&self) -> Option<usize> {
        let mut at = HEADER_LEN;
        let mut after_integrity = None;
        for (t, value) in self.attributes() {
            let end = at + 4 + value.len().div_ceil(4) * 4;
            match after_integrity {
                None if t == ATTR_MESSAGE_INTEGRITY => after_integrity = Some(end),
                Some(_) if t == ATTR_FINGERPRINT => return Some(end.min(self.as_bytes().len())),
                Some(_) => break,
                None => {}
            }
            at = end;
        }
        after_integrity.map(|end| end.min(self.as_bytes().len()))
    }

    /// USERNAME (0x0006); for ICE checks `"<receiver ufrag>:<sender ufrag>"` (RFC 8445 §7.2.2).
    pub fn username(&self) -> Option<&'a [u8]> {
        self.attribute(ATTR_USERNAME)
    }
}

/// Iterator over the attributes of a [`StunView`].
#[derive(Debug, Clone)]
pub struct StunAttributes<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for StunAttributes<'a> {
    type Item = (u16, &'a [u8]);

    // RFC 5389 §15: type (16), length (16, without padding), value padded to 4 bytes
    fn next(&mut self) -> Option<Self::Item> {
        let head = self.rest.get(..4)?;
        let attr_type = u16::from_be_bytes([head[0], head[1]]);
        let len = usize::from(u16::from_be_bytes([head[2], head[3]]));
        let Some(value) = self.rest.get(4..4 + len) else {
            self.rest = &[];
            return None;
        };
        let padded = 4 + len.div_ceil(4) * 4;
        self.rest = self.rest.get(padded..).unwrap_or(&[]);
        Some((attr_type, value))
    }
}

/// The part of an ICE USERNAME before the first `':'`: the ufrag of the agent that received the
/// check, i.e. ours (RFC 8445 §7.2.2). The whole input when there is no colon.
pub fn local_ufrag(username: &[u8]) -> &[u8] {
    match username.iter().position(|&b| b == b':') {
        Some(i) => &username[..i],
        None => username,
    }
}

#[cfg(test)]
mod tests;
