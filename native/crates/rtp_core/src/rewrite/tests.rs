use super::*;
use crate::mapping::HeaderExtension;
use crate::rtp::ExtensionForm;
use crate::test_util::{vp8_key, PacketBuilder};

const PARAMS: RewriteParams = RewriteParams {
    ssrc: 0xCAFE_BABE,
    payload_type: 100,
    seq: 7,
    ts: 9000,
};

fn map(pairs: &[(u8, u8)]) -> ExtensionMap {
    let publisher: Vec<_> = pairs
        .iter()
        .map(|(p, _)| HeaderExtension::new(*p, &format!("urn:{p}")))
        .collect();
    let subscriber: Vec<_> = pairs
        .iter()
        .map(|(p, s)| HeaderExtension::new(*s, &format!("urn:{p}")))
        .collect();
    ExtensionMap::build(&publisher, &subscriber)
}

fn rewrite(bytes: &[u8], map: &ExtensionMap) -> Vec<u8> {
    let packet = RtpPacket::parse(bytes).unwrap();
    let plan = ExtensionPlan::new(&packet, map);
    let mut out = vec![0u8; 1500];
    let n = rewrite_into(&packet, &PARAMS, map, &plan, &mut out).unwrap();
    assert_eq!(n, rewritten_len(&packet, &plan));
    out.truncate(n);
    out
}

#[test]
fn rewrites_header_fields_and_keeps_payload() {
    let input = PacketBuilder::new()
        .pt(96)
        .seq(1)
        .ts(2)
        .ssrc(3)
        .marker(true)
        .payload(&vp8_key())
        .build();
    let out = rewrite(&input, &ExtensionMap::default());
    let p = RtpPacket::parse(&out).unwrap();
    assert_eq!(
        (
            p.ssrc(),
            p.payload_type(),
            p.sequence_number(),
            p.timestamp(),
            p.marker()
        ),
        (0xCAFE_BABE, 100, 7, 9000, true)
    );
    assert!(!p.has_extension());
    assert_eq!(p.payload(), &vp8_key()[..]);
    assert_eq!(out.len(), input.len());
}

#[test]
fn keeps_csrcs_and_padding() {
    let input = PacketBuilder::new()
        .csrc(11)
        .csrc(22)
        .payload(&[1, 2, 3])
        .padding(5)
        .build();
    let out = rewrite(&input, &ExtensionMap::default());
    let p = RtpPacket::parse(&out).unwrap();
    assert_eq!(p.csrcs().collect::<Vec<_>>(), vec![11, 22]);
    assert!(p.has_padding());
    assert_eq!(p.payload(), &[1, 2, 3]);
    assert_eq!(p.padding(), &[0, 0, 0, 0, 5]);
    assert!(!p.marker());
}

#[test]
fn remaps_one_byte_ids_and_drops_unknown_uris() {
    let input = PacketBuilder::new()
        .one_byte_ext(&[(1, &[0xAA]), (2, &[1, 2, 3]), (3, &[0xBB, 0xCC])])
        .payload(&[9, 9])
        .build();
    let out = rewrite(&input, &map(&[(1, 5), (3, 14)]));
    let p = RtpPacket::parse(&out).unwrap();
    assert_eq!(p.extension_form(), Some(ExtensionForm::OneByte));
    let got: Vec<_> = p.extensions().map(|e| (e.id, e.data.to_vec())).collect();
    assert_eq!(got, vec![(5, vec![0xAA]), (14, vec![0xBB, 0xCC])]);
    assert_eq!(p.payload(), &[9, 9]);
    // 2 + 3 element bytes, padded to 8, plus the 4-byte head
    assert_eq!(p.header_len(), 12 + 4 + 8);
}

#[test]
fn switches_to_two_byte_form_for_big_ids() {
    let input = PacketBuilder::new()
        .one_byte_ext(&[(1, &[0xAA]), (2, &[1, 2])])
        .payload(&[7])
        .build();
    let out = rewrite(&input, &map(&[(1, 15), (2, 3)]));
    let p = RtpPacket::parse(&out).unwrap();
    assert_eq!(p.extension_profile(), Some(0x1000));
    let got: Vec<_> = p.extensions().map(|e| (e.id, e.data.to_vec())).collect();
    assert_eq!(got, vec![(15, vec![0xAA]), (3, vec![1, 2])]);
    assert_eq!(p.payload(), &[7]);
}

#[test]
fn two_byte_input_goes_one_byte_when_it_fits_else_stays_two_byte() {
    let fits = PacketBuilder::new()
        .two_byte_ext(&[(200, &[1, 2, 3])])
        .payload(&[7])
        .build();
    let p_out = rewrite(&fits, &map(&[(200, 4)]));
    let p = RtpPacket::parse(&p_out).unwrap();
    assert_eq!(p.extension_form(), Some(ExtensionForm::OneByte));
    assert_eq!(p.extension(4), Some(&[1u8, 2, 3][..]));

    let long = [0x42u8; 17];
    let zero = PacketBuilder::new()
        .two_byte_ext(&[(1, &[]), (2, &long)])
        .payload(&[7])
        .build();
    let out = rewrite(&zero, &map(&[(1, 1), (2, 2)]));
    let p = RtpPacket::parse(&out).unwrap();
    assert_eq!(p.extension_form(), Some(ExtensionForm::TwoByte));
    let got: Vec<_> = p.extensions().map(|e| (e.id, e.data.len())).collect();
    assert_eq!(got, vec![(1, 0), (2, 17)]);
}

#[test]
fn drops_block_when_nothing_is_kept_or_profile_is_opaque() {
    let input = PacketBuilder::new()
        .one_byte_ext(&[(1, &[0xAA])])
        .payload(&[7])
        .build();
    let out = rewrite(&input, &map(&[(2, 2)]));
    let p = RtpPacket::parse(&out).unwrap();
    assert!(!p.has_extension());
    assert_eq!(out.len(), input.len() - 8);

    let opaque = PacketBuilder::new()
        .raw_ext(0x1234, &[1, 2, 3, 4])
        .payload(&[7])
        .build();
    let out = rewrite(&opaque, &map(&[(1, 1)]));
    assert!(!RtpPacket::parse(&out).unwrap().has_extension());
}

#[test]
fn refuses_small_buffers_without_writing() {
    let input = PacketBuilder::new().payload(&[1, 2, 3]).build();
    let packet = RtpPacket::parse(&input).unwrap();
    let map = ExtensionMap::default();
    let plan = ExtensionPlan::new(&packet, &map);
    let mut out = vec![0xEEu8; input.len() - 1];
    assert_eq!(rewrite_into(&packet, &PARAMS, &map, &plan, &mut out), None);
    assert!(out.iter().all(|&b| b == 0xEE));
}

#[test]
fn oversized_blocks_are_left_out_instead_of_miscounted() {
    // 65535 words of one-byte elements (id 1, 1 data byte) that need two-byte form (id 15)
    let block: Vec<u8> = std::iter::repeat_n([0x10u8, 0xAB], 131_070)
        .flatten()
        .collect();
    let input = PacketBuilder::new()
        .raw_ext(crate::rtp::ONE_BYTE_PROFILE, &block)
        .payload(&[1])
        .build();
    let packet = RtpPacket::parse(&input).unwrap();
    let map = map(&[(1, 15)]);
    let plan = ExtensionPlan::new(&packet, &map);
    assert_eq!(plan.block_len(), 0);
    let mut out = vec![0u8; input.len()];
    let n = rewrite_into(&packet, &PARAMS, &map, &plan, &mut out).unwrap();
    let p = RtpPacket::parse(&out[..n]).unwrap();
    assert!(!p.has_extension());
    assert_eq!(p.payload(), &[1]);
}
