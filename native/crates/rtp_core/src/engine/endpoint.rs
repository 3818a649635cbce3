//! Endpoints: one per werift ICE transport (one per PeerConnection with max-bundle). The table
//! finds the endpoint of a datagram — a STUN check by our local ufrag in its USERNAME, anything
//! else by the remote address, learned from those checks and from every datagram werift sends.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;

use super::nack_out::NackState;
use crate::rtcp_stats::ReceiveStats;
use crate::rtp::RtpPacket;
use crate::srtp::SrtpContext;
use crate::twcc::TwccRecorder;

/// Remote addresses remembered per endpoint; the oldest is forgotten first. Bounds what a party
/// that knows a ufrag can make the table hold.
pub const MAX_ADDRS_PER_ENDPOINT: usize = 8;
/// SSRCs remembered per endpoint.
pub const MAX_SSRCS_PER_ENDPOINT: usize = 64;

/// How an incoming stream is recognised: by SSRC, or on its first packet by its MID (and RID)
/// header extensions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncomingSpec {
    pub ssrc: Option<u32>,
    pub mid: Option<String>,
    pub rid: Option<String>,
    pub mid_ext_id: Option<u8>,
    pub rid_ext_id: Option<u8>,
}

#[derive(Debug, Default)]
pub struct Incoming {
    by_ssrc: HashMap<u32, u32>,
    /// `(mid, rid, track)`; `rid = None` matches packets without a RID.
    by_mid_rid: Vec<(Vec<u8>, Option<Vec<u8>>, u32)>,
    mid_ext_id: Option<u8>,
    rid_ext_id: Option<u8>,
}

impl Incoming {
    pub fn map(&mut self, spec: &IncomingSpec, track: u32) {
        if let Some(id) = spec.mid_ext_id {
            self.mid_ext_id = Some(id);
        }
        if let Some(id) = spec.rid_ext_id {
            self.rid_ext_id = Some(id);
        }
        if let Some(ssrc) = spec.ssrc {
            if self.by_ssrc.len() < MAX_SSRCS_PER_ENDPOINT || self.by_ssrc.contains_key(&ssrc) {
                self.by_ssrc.insert(ssrc, track);
            }
        }
        if let Some(mid) = &spec.mid {
            let mid = mid.as_bytes().to_vec();
            let rid = spec.rid.as_ref().map(|r| r.as_bytes().to_vec());
            self.by_mid_rid.retain(|(m, r, _)| !(m == &mid && r == &rid));
            self.by_mid_rid.push((mid, rid, track));
        }
    }

    /// Forgets every way `track` was recognised.
    pub fn unmap_track(&mut self, track: u32) {
        self.by_ssrc.retain(|_, t| *t != track);
        self.by_mid_rid.retain(|(_, _, t)| *t != track);
    }

    /// The track of a packet: by SSRC, else by MID/RID (and then remembered by SSRC).
    pub fn resolve(&mut self, pkt: &RtpPacket<'_>) -> Option<u32> {
        let ssrc = pkt.ssrc();
        if let Some(&t) = self.by_ssrc.get(&ssrc) {
            return Some(t);
        }
        let mid = pkt.extension(self.mid_ext_id?)?;
        let rid = self.rid_ext_id.and_then(|id| pkt.extension(id));
        let track = self
            .by_mid_rid
            .iter()
            .find(|(m, r, _)| m.as_slice() == mid && r.as_deref() == rid)
            .map(|(_, _, t)| *t)?;
        if self.by_ssrc.len() < MAX_SSRCS_PER_ENDPOINT {
            self.by_ssrc.insert(ssrc, track);
        }
        Some(track)
    }

    /// The track an SSRC is mapped to.
    pub fn track_of(&self, ssrc: u32) -> Option<u32> {
        self.by_ssrc.get(&ssrc).copied()
    }

    /// The SSRCs currently mapped (for REMB).
    pub fn ssrcs(&self) -> impl Iterator<Item = u32> + '_ {
        self.by_ssrc.keys().copied()
    }
}

/// Both directions' SRTP state of an endpoint.
pub struct SrtpPair {
    pub inbound: SrtpContext,
    pub outbound: SrtpContext,
}

pub struct Endpoint {
    pub id: u32,
    /// Local ufrags, each with its ICE password when known (to check MESSAGE-INTEGRITY of
    /// incoming Binding requests).
    pub ufrags: Vec<(Vec<u8>, Option<Vec<u8>>)>,
    pub addrs: VecDeque<SocketAddr>,
    /// Where media goes: the address werift sends DTLS to (its selected pair), or the source of
    /// the latest authenticated SRTP/SRTCP packet.
    pub media_addr: Option<SocketAddr>,
    pub srtp: Option<SrtpPair>,
    /// Sender SSRC of the RTCP this endpoint sends (RR, PLI, REMB).
    pub rtcp_ssrc: u32,
    pub incoming: Incoming,
    /// Output SSRC → route, for subscriber feedback (PLI, FIR, NACK).
    pub outputs: HashMap<u32, u32>,
    /// Reception statistics per incoming SSRC, for receiver reports.
    pub receive: HashMap<u32, ReceiveStats>,
    /// Authenticated SRTP and SRTCP packets received (the peer is alive even if werift, which
    /// never sees them, hears nothing).
    pub media_received: u64,
    /// Loss tracking per incoming video SSRC, for NACKs to the publisher.
    pub nacks: HashMap<u32, NackState>,
    /// Arrival times by transport-wide sequence number, for feedback to the publisher.
    pub twcc: TwccRecorder,
    /// The latest incoming media SSRC (named in the feedback's media source field).
    pub twcc_media_ssrc: u32,
}

impl Endpoint {
    fn new(id: u32, rtcp_ssrc: u32) -> Self {
        Self {
            id,
            ufrags: Vec::new(),
            addrs: VecDeque::new(),
            media_addr: None,
            srtp: None,
            rtcp_ssrc,
            incoming: Incoming::default(),
            outputs: HashMap::new(),
            receive: HashMap::new(),
            media_received: 0,
            nacks: HashMap::new(),
            twcc: TwccRecorder::default(),
            twcc_media_ssrc: 0,
        }
    }
}

#[derive(Default)]
pub struct EndpointTable {
    endpoints: HashMap<u32, Endpoint>,
    /// Local ufrag → endpoints using it. werift's ufrags are 4 hex characters, so two live
    /// sessions can share one; a request's MESSAGE-INTEGRITY tells which one it is for.
    by_ufrag: HashMap<Vec<u8>, Vec<u32>>,
    by_addr: HashMap<SocketAddr, u32>,
    next_id: u32,
}

impl EndpointTable {
    pub fn create(&mut self, rtcp_ssrc: u32) -> u32 {
        self.next_id += 1;
        let id = self.next_id;
        self.endpoints.insert(id, Endpoint::new(id, rtcp_ssrc));
        id
    }

    /// Forgets the endpoint, its ufrags and addresses. Returns it (None if unknown or closed).
    pub fn close(&mut self, id: u32) -> Option<Endpoint> {
        let ep = self.endpoints.remove(&id)?;
        for (u, _) in &ep.ufrags {
            if let Some(ids) = self.by_ufrag.get_mut(u) {
                ids.retain(|&e| e != id);
                if ids.is_empty() {
                    self.by_ufrag.remove(u);
                }
            }
        }
        for a in &ep.addrs {
            if self.by_addr.get(a) == Some(&id) {
                self.by_addr.remove(a);
            }
        }
        Some(ep)
    }

    pub fn was_issued(&self, id: u32) -> bool {
        id != 0 && id <= self.next_id
    }

    pub fn get(&self, id: u32) -> Option<&Endpoint> {
        self.endpoints.get(&id)
    }

    pub fn get_mut(&mut self, id: u32) -> Option<&mut Endpoint> {
        self.endpoints.get_mut(&id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Endpoint> {
        self.endpoints.values()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Endpoint> {
        self.endpoints.values_mut()
    }

    /// Endpoint `id` answers checks naming local `ufrag`; `pwd`, when given, is its ICE password
    /// (a password given before stays when none is).
    pub fn bind_ufrag(&mut self, id: u32, ufrag: &[u8], pwd: Option<&[u8]>) -> bool {
        let Some(ep) = self.endpoints.get_mut(&id) else {
            return false;
        };
        match ep.ufrags.iter_mut().find(|(u, _)| u == ufrag) {
            Some((_, known)) => *known = pwd.map(<[u8]>::to_vec).or(known.take()),
            None => ep.ufrags.push((ufrag.to_vec(), pwd.map(<[u8]>::to_vec))),
        }
        let ids = self.by_ufrag.entry(ufrag.to_vec()).or_default();
        if !ids.contains(&id) {
            ids.push(id);
        }
        true
    }

    /// The ICE password of endpoint `id` for its local `ufrag`, if one was given.
    pub fn ice_pwd(&self, id: u32, ufrag: &[u8]) -> Option<&[u8]> {
        let ep = self.endpoints.get(&id)?;
        ep.ufrags.iter().find(|(u, _)| u == ufrag)?.1.as_deref()
    }

    /// The endpoints using local `ufrag` (usually one), oldest first.
    pub fn by_ufrag(&self, ufrag: &[u8]) -> &[u32] {
        self.by_ufrag.get(ufrag).map_or(&[], Vec::as_slice)
    }

    pub fn by_addr(&self, addr: &SocketAddr) -> Option<u32> {
        self.by_addr.get(addr).copied()
    }

    /// `addr` now belongs to endpoint `id` (the latest claim wins: ports are reused).
    pub fn learn(&mut self, id: u32, addr: SocketAddr) {
        match self.by_addr.get(&addr) {
            Some(&owner) if owner == id => return,
            Some(&owner) => {
                if let Some(o) = self.endpoints.get_mut(&owner) {
                    o.addrs.retain(|a| *a != addr);
                    if o.media_addr == Some(addr) {
                        o.media_addr = None;
                    }
                }
            }
            None => {}
        }
        let Some(ep) = self.endpoints.get_mut(&id) else {
            return;
        };
        if ep.addrs.len() >= MAX_ADDRS_PER_ENDPOINT {
            // Forget the oldest address that is not where media goes: a party that knows the
            // ufrag cannot push the live path out of the table.
            let victim = ep.addrs.iter().position(|a| Some(*a) != ep.media_addr).unwrap_or(0);
            if let Some(old) = ep.addrs.remove(victim) {
                if self.by_addr.get(&old) == Some(&id) {
                    self.by_addr.remove(&old);
                }
                if ep.media_addr == Some(old) {
                    ep.media_addr = None;
                }
            }
        }
        ep.addrs.push_back(addr);
        self.by_addr.insert(addr, id);
    }
}
