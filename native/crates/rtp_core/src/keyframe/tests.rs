use super::*;
use crate::test_util::{h264_idr, h264_non_idr, vp8_continuation, vp8_delta, vp8_key};

#[test]
fn mime_types_map_to_kinds() {
    assert_eq!(CodecKind::from_mime("video/VP8"), Some(CodecKind::Vp8));
    assert_eq!(CodecKind::from_mime("VIDEO/vp9"), Some(CodecKind::Vp9));
    assert_eq!(CodecKind::from_mime("video/H264"), Some(CodecKind::H264));
    assert_eq!(CodecKind::from_mime("video/H265"), Some(CodecKind::H265));
    assert_eq!(CodecKind::from_mime("video/AV1"), Some(CodecKind::Av1));
    assert_eq!(
        CodecKind::from_mime("video/rtx"),
        Some(CodecKind::OtherVideo)
    );
    assert_eq!(CodecKind::from_mime("audio/opus"), Some(CodecKind::Audio));
    assert_eq!(CodecKind::from_mime("Audio/PCMU"), Some(CodecKind::Audio));
    assert_eq!(CodecKind::from_mime("text/plain"), None);
    assert_eq!(CodecKind::from_mime("opus"), None);
    assert_eq!(CodecKind::from_mime("video/"), None);
}

#[test]
fn audio_is_always_a_start_point() {
    assert!(is_keyframe(CodecKind::Audio, &[]));
    assert!(is_keyframe(CodecKind::Audio, &[0xFF; 4]));
}

#[test]
fn vp8_key_delta_and_continuation() {
    assert!(is_keyframe(CodecKind::Vp8, &vp8_key()));
    assert!(!is_keyframe(CodecKind::Vp8, &vp8_delta()));
    assert!(!is_keyframe(CodecKind::Vp8, &vp8_continuation()));
}

#[test]
fn vp8_descriptor_variants() {
    // no extension byte: S=1 PID=0, then key frame tag
    assert!(is_keyframe(CodecKind::Vp8, &[0x10, 0x00, 0x00, 0x00]));
    // 7-bit picture id, TL0PICIDX and TID bytes present
    assert!(is_keyframe(
        CodecKind::Vp8,
        &[0x90, 0xE0, 0x05, 0x01, 0x20, 0x00]
    ));
    assert!(!is_keyframe(
        CodecKind::Vp8,
        &[0x90, 0xE0, 0x05, 0x01, 0x20, 0x01]
    ));
    // partition index 1 is not the start of the frame
    assert!(!is_keyframe(CodecKind::Vp8, &[0x11, 0x00]));
    // truncated inside the descriptor
    assert!(!is_keyframe(CodecKind::Vp8, &[0x90, 0x80, 0x80]));
    assert!(!is_keyframe(CodecKind::Vp8, &[0x90]));
    assert!(!is_keyframe(CodecKind::Vp8, &[]));
}

#[test]
fn vp9_start_of_non_predicted_frame() {
    // I=1 (15-bit picture id), B=1, P=0
    assert!(is_keyframe(CodecKind::Vp9, &[0x88, 0x80, 0x01, 0xAA]));
    // P=1: inter predicted
    assert!(!is_keyframe(CodecKind::Vp9, &[0xC8, 0x80, 0x01, 0xAA]));
    // B=0: not start of frame
    assert!(!is_keyframe(CodecKind::Vp9, &[0x80, 0x80, 0x01, 0xAA]));
    // L=1 with SID=0 (non-flexible: TL0PICIDX follows) -> key; SID=1 -> not the base layer
    assert!(is_keyframe(CodecKind::Vp9, &[0xA8, 0x05, 0x00, 0x00, 0xAA]));
    assert!(!is_keyframe(
        CodecKind::Vp9,
        &[0xA8, 0x05, 0x02, 0x00, 0xAA]
    ));
    // truncated picture id / layer byte
    assert!(!is_keyframe(CodecKind::Vp9, &[0x88, 0x80]));
    assert!(!is_keyframe(CodecKind::Vp9, &[0x28]));
    assert!(!is_keyframe(CodecKind::Vp9, &[]));
}

#[test]
fn h264_single_nal_units() {
    assert!(is_keyframe(CodecKind::H264, &h264_idr()));
    assert!(!is_keyframe(CodecKind::H264, &h264_non_idr()));
    assert!(is_keyframe(CodecKind::H264, &[0x67, 0x42, 0x00, 0x1f])); // SPS
    assert!(!is_keyframe(CodecKind::H264, &[0x68, 0xce])); // PPS alone
    assert!(!is_keyframe(CodecKind::H264, &[]));
}

#[test]
fn h264_stap_a() {
    // STAP-A: [SEI size 2][SEI][SPS size 3][SPS]
    let stap = [0x78, 0x00, 0x02, 0x06, 0x05, 0x00, 0x03, 0x67, 0x42, 0x00];
    assert!(is_keyframe(CodecKind::H264, &stap));
    let no_key = [0x78, 0x00, 0x02, 0x06, 0x05, 0x00, 0x02, 0x68, 0xce];
    assert!(!is_keyframe(CodecKind::H264, &no_key));
    // size field larger than the rest: no key, no panic
    assert!(!is_keyframe(CodecKind::H264, &[0x78, 0x00, 0x09, 0x65]));
    assert!(!is_keyframe(CodecKind::H264, &[0x78, 0x00]));
    // STAP-B with DON
    assert!(is_keyframe(
        CodecKind::H264,
        &[0x79, 0x00, 0x01, 0x00, 0x01, 0x65]
    ));
}

#[test]
fn h264_fu_a_start_only() {
    assert!(is_keyframe(CodecKind::H264, &[0x7C, 0x85, 0x88])); // S=1, type 5
    assert!(!is_keyframe(CodecKind::H264, &[0x7C, 0x05, 0x88])); // continuation
    assert!(!is_keyframe(CodecKind::H264, &[0x7C, 0x81, 0x88])); // S=1, type 1
    assert!(!is_keyframe(CodecKind::H264, &[0x7C]));
}

#[test]
fn h265_irap_aggregation_and_fu() {
    assert!(is_keyframe(CodecKind::H265, &[19 << 1, 0x01, 0xAF])); // IDR_W_RADL
    assert!(is_keyframe(CodecKind::H265, &[32 << 1, 0x01, 0x0C])); // VPS
    assert!(!is_keyframe(CodecKind::H265, &[1 << 1, 0x01, 0xAF])); // TRAIL_R
    assert!(is_keyframe(
        CodecKind::H265,
        &[48 << 1, 0x01, 0x00, 0x02, 33 << 1, 0x01]
    ));
    assert!(is_keyframe(
        CodecKind::H265,
        &[49 << 1, 0x01, 0x80 | 19, 0xAA]
    ));
    assert!(!is_keyframe(CodecKind::H265, &[49 << 1, 0x01, 19, 0xAA]));
    assert!(!is_keyframe(CodecKind::H265, &[49 << 1, 0x01]));
    assert!(!is_keyframe(CodecKind::H265, &[19 << 1]));
}

#[test]
fn av1_new_coded_video_sequence() {
    assert!(is_keyframe(CodecKind::Av1, &[0x18, 0x0A]));
    assert!(!is_keyframe(CodecKind::Av1, &[0x10, 0x32]));
    assert!(!is_keyframe(CodecKind::Av1, &[]));
}

#[test]
fn other_video_never_opens_the_gate() {
    assert!(!is_keyframe(CodecKind::OtherVideo, &vp8_key()));
}
