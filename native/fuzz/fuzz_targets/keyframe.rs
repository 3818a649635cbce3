//! The codec descriptors behind the keyframe gate (VP8, VP9, H.264, H.265, AV1): the first byte
//! picks the codec, the rest is the RTP payload. Also `CodecKind::from_mime` on arbitrary text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rtp_core::{is_keyframe, CodecKind};

const KINDS: [CodecKind; 7] = [
    CodecKind::Audio,
    CodecKind::Vp8,
    CodecKind::Vp9,
    CodecKind::H264,
    CodecKind::H265,
    CodecKind::Av1,
    CodecKind::OtherVideo,
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, payload)) = data.split_first() else {
        return;
    };
    let kind = KINDS[usize::from(selector) % KINDS.len()];
    let key = is_keyframe(kind, payload);
    match kind {
        CodecKind::Audio => assert!(key),
        CodecKind::OtherVideo => assert!(!key),
        _ => assert!(!key || !payload.is_empty()),
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Some(kind) = CodecKind::from_mime(text) {
            assert_eq!(
                kind.is_audio(),
                text.to_ascii_lowercase().starts_with("audio/")
            );
        }
    }
});
