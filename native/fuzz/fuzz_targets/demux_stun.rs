//! First-byte demultiplexing and the STUN reader: never panic, stay inside the datagram, and
//! agree with each other and with the RTP/RTCP readers on what they accept.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rtp_core::demux::{classify, DatagramKind};
use rtp_core::stun::{is_stun, local_ufrag, StunView};
use rtp_core::{rtcp, RtpPacket};

fuzz_target!(|data: &[u8]| {
    let kind = classify(data);
    match kind {
        DatagramKind::Rtp => {
            let _ = RtpPacket::parse(data);
        }
        DatagramKind::Rtcp => {
            for packet in rtcp::iter(data) {
                let _ = packet;
            }
        }
        _ => {}
    }
    if let Some(view) = StunView::parse(data) {
        assert!(is_stun(data));
        assert!(data[0] < 64 && kind != DatagramKind::Rtp && kind != DatagramKind::Rtcp);
        assert!(view.as_bytes().len() <= data.len());
        assert_eq!(view.transaction_id()[..], data[8..20]);
        assert!(view.class() <= 3 && view.method() <= 0xFFF);
        let mut total = 20;
        for (_, value) in view.attributes() {
            total += 4 + value.len();
            assert!(total <= view.as_bytes().len());
        }
        if let Some(username) = view.username() {
            let ufrag = local_ufrag(username);
            assert!(username.starts_with(ufrag) && !ufrag.contains(&b':'));
        }
    } else {
        // Only a lying length field or a missing cookie makes parse refuse a STUN-shaped datagram.
        if is_stun(data) {
            let declared = usize::from(u16::from_be_bytes([data[2], data[3]]));
            assert!(20 + declared > data.len());
        }
    }
});
