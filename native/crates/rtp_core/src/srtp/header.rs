//! The few header facts SRTP needs: how much of an RTP packet stays in the clear, the SSRC, the
//! sequence number, and a sanity check of RTCP packets.

use super::SrtpError;

pub(crate) const RTP_HEADER_LEN: usize = 12;
/// SRTCP leaves the first 8 bytes (V/P/RC, PT, length, sender SSRC) in the clear (RFC 3711 §3.4).
pub(crate) const RTCP_HEADER_LEN: usize = 8;

pub(crate) fn be_u16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

pub(crate) fn be_u32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Length of the RTP header, CSRC list and header extension (RFC 3550 §5.1, §5.3.1): the part
/// SRTP authenticates but does not encrypt (RFC 3711 §3.1). `packet` excludes any SRTP tag.
pub(crate) fn rtp_header_len(packet: &[u8]) -> Result<usize, SrtpError> {
    if packet.len() < RTP_HEADER_LEN {
        return Err(SrtpError::TooShort {
            len: packet.len(),
            min: RTP_HEADER_LEN,
        });
    }
    if packet[0] >> 6 != 2 {
        return Err(SrtpError::Malformed("RTP version is not 2"));
    }
    let mut len = RTP_HEADER_LEN + 4 * usize::from(packet[0] & 0x0f);
    if packet[0] & 0x10 != 0 {
        if packet.len() < len + 4 {
            return Err(SrtpError::Malformed(
                "RTP header extension runs past the packet",
            ));
        }
        len += 4 + 4 * usize::from(be_u16(packet, len + 2));
    }
    if len > packet.len() {
        return Err(SrtpError::Malformed("RTP header runs past the packet"));
    }
    Ok(len)
}

/// An RTCP packet must be at least its 8-byte header, version 2.
pub(crate) fn check_rtcp(packet: &[u8], min: usize) -> Result<(), SrtpError> {
    if packet.len() < min {
        return Err(SrtpError::TooShort {
            len: packet.len(),
            min,
        });
    }
    if packet[0] >> 6 != 2 {
        return Err(SrtpError::Malformed("RTCP version is not 2"));
    }
    Ok(())
}
