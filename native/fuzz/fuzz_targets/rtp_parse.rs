//! RTP header, CSRCs, RFC 8285 extensions and padding: `RtpPacket::parse` never panics, and a
//! packet it accepts accounts for every byte.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rtp_core::rtp::ExtensionForm;
use rtp_core::RtpPacket;

fuzz_target!(|data: &[u8]| {
    let Ok(p) = RtpPacket::parse(data) else {
        return;
    };
    assert_eq!(p.version(), 2);
    assert_eq!(
        p.header_len() + p.payload().len() + p.padding().len(),
        data.len()
    );
    assert_eq!(p.csrcs().count(), usize::from(p.csrc_count()));
    assert_eq!(p.has_padding(), !p.padding().is_empty());
    let block = p.extension_block();
    let mut element_bytes = 0;
    for e in p.extensions() {
        assert_ne!(e.id, 0);
        if p.extension_form() == Some(ExtensionForm::OneByte) {
            assert!(e.id < 15 && (1..=16).contains(&e.data.len()));
        }
        element_bytes += e.data.len();
        assert!(p.extension(e.id).is_some());
    }
    assert!(element_bytes <= block.len());
    let _ = (
        p.marker(),
        p.payload_type(),
        p.sequence_number(),
        p.timestamp(),
        p.ssrc(),
    );
});
