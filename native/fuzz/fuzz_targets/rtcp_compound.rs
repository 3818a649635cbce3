//! RTCP compound reader: never panics, and every packet it reads survives a round trip through
//! the matching writer (SR, RR, PLI, FIR, NACK as a set of lost numbers, REMB).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rtp_core::rtcp::{
    self, write_fir, write_nack, write_pli, write_receiver_report, write_remb, write_sender_report,
    ReportBlock, RtcpPacket, MAX_REMB_SSRCS,
};

/// Reads back the single packet a writer produced.
fn reread(buf: &[u8]) -> RtcpPacket<'_> {
    let mut packets = rtcp::iter(buf);
    let packet = packets
        .next()
        .expect("one packet")
        .expect("writer output parses");
    assert!(packets.next().is_none());
    packet
}

fuzz_target!(|data: &[u8]| {
    let mut out = vec![0u8; 2048];
    for packet in rtcp::iter(data) {
        let Ok(packet) = packet else { continue };
        match packet {
            RtcpPacket::SenderReport(sr) => {
                let blocks: Vec<ReportBlock> = sr.report_blocks().collect();
                let n = write_sender_report(&mut out, &sr.fields(), &blocks).unwrap();
                let RtcpPacket::SenderReport(again) = reread(&out[..n]) else {
                    panic!("SR")
                };
                assert_eq!(again.fields(), sr.fields());
                assert!(again.report_blocks().eq(blocks));
            }
            RtcpPacket::ReceiverReport(rr) => {
                let blocks: Vec<ReportBlock> = rr.report_blocks().collect();
                let n = write_receiver_report(&mut out, rr.ssrc(), &blocks).unwrap();
                let RtcpPacket::ReceiverReport(again) = reread(&out[..n]) else {
                    panic!("RR")
                };
                assert_eq!(again.ssrc(), rr.ssrc());
                assert!(again.report_blocks().eq(blocks));
            }
            RtcpPacket::Pli {
                sender_ssrc,
                media_ssrc,
            } => {
                let n = write_pli(&mut out, sender_ssrc, media_ssrc).unwrap();
                assert_eq!(
                    reread(&out[..n]),
                    RtcpPacket::Pli {
                        sender_ssrc,
                        media_ssrc
                    }
                );
            }
            RtcpPacket::Fir {
                sender_ssrc,
                entries,
            } => {
                for (ssrc, seq) in entries {
                    let n = write_fir(&mut out, sender_ssrc, ssrc, seq).unwrap();
                    let RtcpPacket::Fir {
                        sender_ssrc: s,
                        entries,
                    } = reread(&out[..n])
                    else {
                        panic!("FIR")
                    };
                    assert_eq!(s, sender_ssrc);
                    assert!(entries.eq([(ssrc, seq)]));
                }
            }
            RtcpPacket::Nack {
                sender_ssrc,
                media_ssrc,
                pairs,
            } => {
                let mut lost: Vec<u16> = pairs.take(4096).collect();
                if lost.is_empty() {
                    assert!(write_nack(&mut out, sender_ssrc, media_ssrc, &lost).is_err());
                    continue;
                }
                let mut big = vec![0u8; 12 + 4 * lost.len()];
                let n = write_nack(&mut big, sender_ssrc, media_ssrc, &lost).unwrap();
                let RtcpPacket::Nack { pairs: again, .. } = reread(&big[..n]) else {
                    panic!("NACK")
                };
                let mut again: Vec<u16> = again.collect();
                lost.sort_unstable();
                lost.dedup();
                again.sort_unstable();
                again.dedup();
                assert_eq!(again, lost);
            }
            RtcpPacket::Remb {
                sender_ssrc,
                bitrate_bps,
                ssrcs,
            } => {
                let ssrcs: Vec<u32> = ssrcs.collect();
                assert!(ssrcs.len() <= MAX_REMB_SSRCS);
                let n = write_remb(&mut out, sender_ssrc, bitrate_bps, &ssrcs).unwrap();
                let RtcpPacket::Remb {
                    bitrate_bps: b,
                    ssrcs: s,
                    ..
                } = reread(&out[..n])
                else {
                    panic!("REMB")
                };
                // Exact unless the wire value saturated u64 (exponent too large).
                if bitrate_bps != u64::MAX {
                    assert_eq!(b, bitrate_bps);
                }
                assert!(s.eq(ssrcs));
            }
            RtcpPacket::SourceDescription
            | RtcpPacket::Bye
            | RtcpPacket::TransportCc { .. }
            | RtcpPacket::Other { .. } => {}
        }
    }
});
