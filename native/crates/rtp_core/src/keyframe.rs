//! "Can a decoder start at this packet?" per codec, from the RTP payload alone. Used by the keyframe
//! gate of new routes and source switches. Every detector returns `false` on truncated or odd input
//! rather than guessing, and never panics.

/// How a payload type's packets are inspected, derived from the codec's mime type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodecKind {
    /// Any `audio/*` codec: every packet is a valid start point.
    Audio,
    Vp8,
    Vp9,
    H264,
    H265,
    Av1,
    /// A video mime type without a detector (`video/rtx`, `video/red`, `video/ulpfec`, ...): never a
    /// keyframe, so it cannot open a gate.
    OtherVideo,
}

impl CodecKind {
    /// `None` when the mime type is neither `audio/*` nor `video/*`. Case-insensitive.
    pub fn from_mime(mime: &str) -> Option<Self> {
        let (top, sub) = mime.split_once('/')?;
        if sub.is_empty() {
            return None;
        }
        if top.eq_ignore_ascii_case("audio") {
            return Some(CodecKind::Audio);
        }
        if !top.eq_ignore_ascii_case("video") {
            return None;
        }
        let kind = if sub.eq_ignore_ascii_case("vp8") {
            CodecKind::Vp8
        } else if sub.eq_ignore_ascii_case("vp9") {
            CodecKind::Vp9
        } else if sub.eq_ignore_ascii_case("h264") {
            CodecKind::H264
        } else if sub.eq_ignore_ascii_case("h265") || sub.eq_ignore_ascii_case("hevc") {
            CodecKind::H265
        } else if sub.eq_ignore_ascii_case("av1") || sub.eq_ignore_ascii_case("av1x") {
            CodecKind::Av1
        } else {
            CodecKind::OtherVideo
        };
        Some(kind)
    }

    pub fn is_audio(self) -> bool {
        self == CodecKind::Audio
    }
}

/// True when `payload` (RTP payload without padding) starts something a decoder can begin with.
pub fn is_keyframe(kind: CodecKind, payload: &[u8]) -> bool {
    match kind {
        CodecKind::Audio => true,
        CodecKind::Vp8 => vp8(payload).unwrap_or(false),
        CodecKind::Vp9 => vp9(payload).unwrap_or(false),
        CodecKind::H264 => h264(payload).unwrap_or(false),
        CodecKind::H265 => h265(payload).unwrap_or(false),
        CodecKind::Av1 => av1(payload).unwrap_or(false),
        CodecKind::OtherVideo => false,
    }
}

/// Start of partition 0 of a key frame.
// RFC 7741 §4.2 (payload descriptor) and §4.3 (P bit of the VP8 payload header, 0 = key frame)
fn vp8(p: &[u8]) -> Option<bool> {
    let b0 = *p.first()?;
    let start_of_partition = b0 & 0x10 != 0;
    let partition_index = b0 & 0x07;
    if !start_of_partition || partition_index != 0 {
        return Some(false);
    }
    let mut i = 1;
    if b0 & 0x80 != 0 {
        let x = *p.get(1)?;
        i = 2;
        if x & 0x80 != 0 {
            let picture_id = *p.get(i)?;
            i += if picture_id & 0x80 != 0 { 2 } else { 1 };
        }
        if x & 0x40 != 0 {
            i += 1; // TL0PICIDX
        }
        if x & 0x30 != 0 {
            i += 1; // TID/Y/KEYIDX
        }
    }
    let frame_tag = *p.get(i)?;
    Some(frame_tag & 0x01 == 0)
}

/// Start of a frame that is not inter-picture predicted, in the base spatial layer.
// RFC 9628 §4.2 (payload descriptor: I, P, L, F, B bits; layer indices)
fn vp9(p: &[u8]) -> Option<bool> {
    let b0 = *p.first()?;
    let inter_predicted = b0 & 0x40 != 0;
    let start_of_frame = b0 & 0x08 != 0;
    let mut i = 1;
    if b0 & 0x80 != 0 {
        let picture_id = *p.get(i)?;
        i += if picture_id & 0x80 != 0 { 2 } else { 1 };
    }
    let mut spatial_id = 0;
    if b0 & 0x20 != 0 {
        let layer = *p.get(i)?;
        spatial_id = (layer >> 1) & 0x07;
        i += 1;
    }
    // The descriptor we walked must be present in full.
    if i > p.len() {
        return None;
    }
    Some(start_of_frame && !inter_predicted && spatial_id == 0)
}

// RFC 6184 §5.2 (NAL unit types), §5.7.1 (STAP), §5.8 (FU)
fn h264(p: &[u8]) -> Option<bool> {
    let nal_type = *p.first()? & 0x1F;
    Some(match nal_type {
        1..=23 => h264_key_nal(nal_type),
        24 => h264_stap(p.get(1..)?),
        25 => h264_stap(p.get(3..)?), // STAP-B carries a 16-bit DON first
        28 | 29 => {
            let fu = *p.get(1)?;
            fu & 0x80 != 0 && h264_key_nal(fu & 0x1F)
        }
        _ => false,
    })
}

/// IDR slice or sequence parameter set (RFC 6184 §1.3, H.264 Table 7-1).
fn h264_key_nal(nal_type: u8) -> bool {
    nal_type == 5 || nal_type == 7
}

// RFC 6184 §5.7.1: 16-bit NAL size, then the NAL unit, repeated
fn h264_stap(mut units: &[u8]) -> bool {
    while units.len() >= 2 {
        let size = usize::from(u16::from_be_bytes([units[0], units[1]]));
        let Some(nal) = units.get(2..2 + size) else {
            return false;
        };
        if let Some(header) = nal.first() {
            if h264_key_nal(header & 0x1F) {
                return true;
            }
        }
        if size == 0 {
            return false;
        }
        units = &units[2 + size..];
    }
    false
}

// RFC 7798 §1.1.4 (NAL unit header), §4.4.2 (AP), §4.4.3 (FU)
fn h265(p: &[u8]) -> Option<bool> {
    if p.len() < 2 {
        return None;
    }
    let nal_type = (p[0] >> 1) & 0x3F;
    Some(match nal_type {
        0..=47 => h265_key_nal(nal_type),
        48 => h265_aggregation(&p[2..]),
        49 => {
            let fu = *p.get(2)?;
            fu & 0x80 != 0 && h265_key_nal(fu & 0x3F)
        }
        _ => false,
    })
}

/// IRAP pictures (BLA, IDR, CRA: 16..=21), VPS (32) and SPS (33). H.265 Table 7-1.
fn h265_key_nal(nal_type: u8) -> bool {
    (16..=21).contains(&nal_type) || nal_type == 32 || nal_type == 33
}

// RFC 7798 §4.4.2 without DONL fields (sprop-max-don-diff = 0, the WebRTC case)
fn h265_aggregation(mut units: &[u8]) -> bool {
    while units.len() >= 2 {
        let size = usize::from(u16::from_be_bytes([units[0], units[1]]));
        let Some(nal) = units.get(2..2 + size) else {
            return false;
        };
        if let Some(header) = nal.first() {
            if h265_key_nal((header >> 1) & 0x3F) {
                return true;
            }
        }
        if size == 0 {
            return false;
        }
        units = &units[2 + size..];
    }
    false
}

/// N bit of the aggregation header: first packet of a coded video sequence.
// RTP Payload Format for AV1 (AOM, v1.0) §4.4
fn av1(p: &[u8]) -> Option<bool> {
    Some(*p.first()? & 0x08 != 0)
}

#[cfg(test)]
mod tests;
