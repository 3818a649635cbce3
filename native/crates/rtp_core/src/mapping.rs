//! Tables that translate a publisher's payload types and header-extension ids into a subscriber's.
//! Built once per (route, source) pair, so the per-packet path is two array lookups and never
//! compares strings.

use crate::error::Error;
use crate::keyframe::CodecKind;

/// One negotiated codec: `mime_type` like `"video/VP8"` (compared case-insensitively).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Codec {
    pub payload_type: u8,
    pub mime_type: String,
    pub clock_rate: u32,
}

/// One negotiated header extension (RFC 8285 §5 `a=extmap`): local id and URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderExtension {
    pub id: u8,
    pub uri: String,
}

impl Codec {
    pub fn new(payload_type: u8, mime_type: &str, clock_rate: u32) -> Self {
        Self {
            payload_type,
            mime_type: mime_type.to_owned(),
            clock_rate,
        }
    }
}

impl HeaderExtension {
    pub fn new(id: u8, uri: &str) -> Self {
        Self {
            id,
            uri: uri.to_owned(),
        }
    }
}

/// Checks payload types (0..=127, unique), mime types and clock rates.
pub(crate) fn validate_codecs(codecs: &[Codec]) -> Result<(), Error> {
    let mut seen = [false; 128];
    for c in codecs {
        if c.payload_type > 127 {
            return Err(Error::invalid(format!(
                "payload type {} is above 127",
                c.payload_type
            )));
        }
        if std::mem::replace(&mut seen[usize::from(c.payload_type)], true) {
            return Err(Error::invalid(format!(
                "payload type {} is listed twice",
                c.payload_type
            )));
        }
        if CodecKind::from_mime(&c.mime_type).is_none() {
            return Err(Error::invalid(format!(
                "mime type {:?} is not audio/* or video/*",
                c.mime_type
            )));
        }
        if c.clock_rate == 0 {
            return Err(Error::invalid(format!(
                "codec {} has clock rate 0",
                c.mime_type
            )));
        }
    }
    Ok(())
}

/// Checks extension ids (1..=255, unique; RFC 8285 §4.2, §4.3) and URIs (non-empty, unique).
pub(crate) fn validate_extensions(extensions: &[HeaderExtension]) -> Result<(), Error> {
    let mut seen = [false; 256];
    for (i, e) in extensions.iter().enumerate() {
        if e.id == 0 {
            return Err(Error::invalid(
                "header extension id 0 is reserved for padding",
            ));
        }
        if std::mem::replace(&mut seen[usize::from(e.id)], true) {
            return Err(Error::invalid(format!(
                "header extension id {} is listed twice",
                e.id
            )));
        }
        if e.uri.is_empty() {
            return Err(Error::invalid(format!(
                "header extension id {} has an empty uri",
                e.id
            )));
        }
        if extensions[..i].iter().any(|other| other.uri == e.uri) {
            return Err(Error::invalid(format!(
                "header extension uri {} is listed twice",
                e.uri
            )));
        }
    }
    Ok(())
}

/// RFC 4588 retransmission payload format (`audio/rtx`, `video/rtx`): its packets carry another
/// stream's sequence numbers and are never forwarded by the router.
pub fn is_retransmission(mime_type: &str) -> bool {
    mime_type
        .split_once('/')
        .is_some_and(|(_, sub)| sub.eq_ignore_ascii_case("rtx"))
}

const NO_PT: u8 = 0xFF;

/// Publisher PT → mime type → subscriber PT. Unmapped PTs are dropped by the forwarder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadTypeMap {
    out: [u8; 128],
}

impl PayloadTypeMap {
    /// The first subscriber codec with the same mime type wins when several share it; `*/rtx`
    /// is never mapped.
    pub fn build(publisher: &[Codec], subscriber: &[Codec]) -> Self {
        let mut out = [NO_PT; 128];
        for p in publisher
            .iter()
            .filter(|p| !is_retransmission(&p.mime_type))
        {
            let target = subscriber
                .iter()
                .find(|s| s.mime_type.eq_ignore_ascii_case(&p.mime_type));
            if let (Some(slot), Some(s)) = (out.get_mut(usize::from(p.payload_type)), target) {
                *slot = s.payload_type;
            }
        }
        Self { out }
    }

    pub fn get(&self, publisher_pt: u8) -> Option<u8> {
        match self.out.get(usize::from(publisher_pt)) {
            Some(&pt) if pt != NO_PT => Some(pt),
            _ => None,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.out.iter().all(|&pt| pt == NO_PT)
    }
}

/// Publisher extension id → URI → subscriber extension id; 0 means "subscriber lacks it, drop".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionMap {
    out: [u8; 256],
}

impl Default for ExtensionMap {
    fn default() -> Self {
        Self { out: [0; 256] }
    }
}

impl ExtensionMap {
    /// URIs are compared exactly (they are URIs, not mime types).
    pub fn build(publisher: &[HeaderExtension], subscriber: &[HeaderExtension]) -> Self {
        let mut map = Self::default();
        for p in publisher {
            if let Some(s) = subscriber.iter().find(|s| s.uri == p.uri) {
                map.out[usize::from(p.id)] = s.id;
            }
        }
        map
    }

    pub fn get(&self, publisher_id: u8) -> Option<u8> {
        match self.out[usize::from(publisher_id)] {
            0 => None,
            id => Some(id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_types_map_by_case_insensitive_mime() {
        let publisher = [
            Codec::new(97, "video/rtx", 90000),
            Codec::new(96, "video/VP8", 90000),
            Codec::new(98, "video/H264", 90000),
        ];
        let subscriber = [
            Codec::new(100, "video/vp8", 90000),
            Codec::new(101, "video/rtx", 90000),
        ];
        let map = PayloadTypeMap::build(&publisher, &subscriber);
        assert_eq!(map.get(96), Some(100));
        assert_eq!(map.get(98), None);
        assert_eq!(map.get(97), None, "rtx is never mapped");
        assert_eq!(map.get(0), None);
        assert_eq!(map.get(200), None);
        assert!(!map.is_empty());
        assert!(PayloadTypeMap::build(&publisher, &[]).is_empty());
    }

    #[test]
    fn extensions_map_by_uri() {
        let publisher = [
            HeaderExtension::new(1, "urn:a"),
            HeaderExtension::new(3, "urn:b"),
        ];
        let subscriber = [
            HeaderExtension::new(200, "urn:b"),
            HeaderExtension::new(5, "urn:c"),
        ];
        let map = ExtensionMap::build(&publisher, &subscriber);
        assert_eq!(map.get(1), None);
        assert_eq!(map.get(3), Some(200));
        assert_eq!(map.get(5), None);
    }

    #[test]
    fn validation_rejects_bad_lists() {
        assert!(validate_codecs(&[Codec::new(96, "video/VP8", 90000)]).is_ok());
        for bad in [
            vec![Codec::new(128, "video/VP8", 90000)],
            vec![
                Codec::new(96, "video/VP8", 90000),
                Codec::new(96, "video/VP9", 90000),
            ],
            vec![Codec::new(96, "VP8", 90000)],
            vec![Codec::new(96, "video/VP8", 0)],
        ] {
            assert_eq!(
                validate_codecs(&bad).unwrap_err().code(),
                "invalid_argument"
            );
        }
        assert!(validate_extensions(&[HeaderExtension::new(255, "urn:x")]).is_ok());
        for bad in [
            vec![HeaderExtension::new(0, "urn:x")],
            vec![
                HeaderExtension::new(1, "urn:x"),
                HeaderExtension::new(1, "urn:y"),
            ],
            vec![HeaderExtension::new(2, "")],
            vec![
                HeaderExtension::new(1, "urn:x"),
                HeaderExtension::new(2, "urn:x"),
            ],
        ] {
            assert_eq!(
                validate_extensions(&bad).unwrap_err().code(),
                "invalid_argument"
            );
        }
    }
}
