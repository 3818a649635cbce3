//! RFC 8285 header extensions through the rewriter: the first byte chooses how many id mappings
//! follow (two bytes each: publisher id, subscriber id), the rest is an RTP packet. Whatever it
//! is, the rewritten packet parses and carries exactly the mapped elements, in order, with their
//! data, plus the original CSRCs, payload and padding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rtp_core::rewrite::{rewrite_into, rewritten_len, ExtensionPlan, RewriteParams};
use rtp_core::{ExtensionMap, HeaderExtension, RtpPacket};

fuzz_target!(|data: &[u8]| {
    let Some((&n, rest)) = data.split_first() else {
        return;
    };
    let pairs = usize::from(n % 16);
    let Some(ids) = rest.get(..2 * pairs) else {
        return;
    };
    let packet = &rest[2 * pairs..];
    let mut publisher = Vec::new();
    let mut subscriber = Vec::new();
    for (k, pair) in ids.chunks_exact(2).enumerate() {
        let uri = format!("urn:fuzz:{k}");
        publisher.push(HeaderExtension::new(pair[0], &uri));
        subscriber.push(HeaderExtension::new(pair[1], &uri));
    }
    let map = ExtensionMap::build(&publisher, &subscriber);
    let Ok(pkt) = RtpPacket::parse(packet) else {
        return;
    };
    let plan = ExtensionPlan::new(&pkt, &map);
    let len = rewritten_len(&pkt, &plan);
    let params = RewriteParams {
        ssrc: 0xDEAD_BEEF,
        payload_type: 111,
        seq: pkt.sequence_number().wrapping_add(1),
        ts: pkt.timestamp().wrapping_add(960),
    };
    let mut out = vec![0u8; len + 8];
    assert!(rewrite_into(&pkt, &params, &map, &plan, &mut out[..len - 1]).is_none());
    let written = rewrite_into(&pkt, &params, &map, &plan, &mut out).expect("fits");
    assert_eq!(written, len);
    let got = RtpPacket::parse(&out[..len]).expect("rewritten packet parses");
    assert_eq!(
        (
            got.ssrc(),
            got.payload_type(),
            got.sequence_number(),
            got.timestamp()
        ),
        (params.ssrc, params.payload_type, params.seq, params.ts)
    );
    assert_eq!(got.marker(), pkt.marker());
    assert_eq!(got.csrc_bytes(), pkt.csrc_bytes());
    assert_eq!(got.payload(), pkt.payload());
    assert_eq!(got.padding(), pkt.padding());
    let expected = pkt
        .extensions()
        .filter_map(|e| map.get(e.id).map(|id| (id, e.data)));
    assert!(got.extensions().map(|e| (e.id, e.data)).eq(expected));
});
