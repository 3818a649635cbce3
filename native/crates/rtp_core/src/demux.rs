//! First-byte demultiplexing of datagrams that share one UDP 5-tuple (RFC 7983 §7, as updated by
//! RFC 9443 §5): STUN, DTLS, RTP and RTCP. RTP and RTCP are then told apart by the second byte
//! (RFC 5761 §4). Looks at two bytes at most, so it cannot fail and never panics.

/// What a received datagram most likely is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DatagramKind {
    /// First byte 0..=3 (ICE connectivity checks, RFC 8445).
    Stun,
    /// First byte 20..=63 (DTLS records: handshake, alert, application data, ...).
    Dtls,
    /// First byte 128..=191 and a payload type outside 64..=95 (with the marker bit folded in).
    Rtp,
    /// First byte 128..=191 and second byte 192..=223: RTCP packet types SR (200) to PSFB (206)
    /// and the rest of the range RFC 5761 §4 reserves for RTCP.
    Rtcp,
    /// Empty datagrams, ZRTP (16..=19), TURN channel data (64..=79) and everything unassigned.
    Other,
}

/// Classifies one datagram by its first byte, and RTP against RTCP by its second.
// RFC 7983 §7 / RFC 9443 §5 ranges; RFC 5761 §4: RTCP packet types 192-223 correspond to RTP
// payload types 64-95 with the marker bit set, which RTP must therefore avoid.
pub fn classify(datagram: &[u8]) -> DatagramKind {
    let Some(&first) = datagram.first() else {
        return DatagramKind::Other;
    };
    match first {
        0..=3 => DatagramKind::Stun,
        20..=63 => DatagramKind::Dtls,
        128..=191 => match datagram.get(1) {
            Some(192..=223) => DatagramKind::Rtcp,
            Some(_) => DatagramKind::Rtp,
            None => DatagramKind::Other, // one byte cannot be either
        },
        _ => DatagramKind::Other,
    }
}

#[cfg(test)]
mod tests;
