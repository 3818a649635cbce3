//! A zero-copy view over one RTP packet: fixed header, CSRCs, header extension block, payload and
//! padding. Parsing validates every length once, so the accessors afterwards cannot fail, and no
//! input (truncated, garbage, lying length fields) makes it panic.

use thiserror::Error;

/// RFC 3550 §5.1: the fixed header is 12 bytes.
pub const FIXED_HEADER_LEN: usize = 12;
/// RFC 8285 §4.2: "defined by profile" value of the one-byte header form.
pub const ONE_BYTE_PROFILE: u16 = 0xBEDE;
/// RFC 8285 §4.3: two-byte form is 0x100 followed by 4 "appbits".
pub const TWO_BYTE_PROFILE: u16 = 0x1000;
const TWO_BYTE_PROFILE_MASK: u16 = 0xFFF0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum ParseError {
    #[error("{len} bytes is shorter than the 12-byte RTP header")]
    TooShort { len: usize },
    #[error("RTP version {0} is not 2")]
    BadVersion(u8),
    #[error("{count} CSRCs do not fit in {len} bytes")]
    CsrcOverrun { count: u8, len: usize },
    #[error("header extension block does not fit in the packet")]
    ExtensionOverrun,
    #[error("header extension element {id} overruns its block")]
    ExtensionElementOverrun { id: u8 },
    #[error("padding count {count} is invalid with {available} bytes after the header")]
    BadPadding { count: u8, available: usize },
}

/// Which RFC 8285 form (if any) the extension block uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtensionForm {
    OneByte,
    TwoByte,
    /// A profile-specific block this crate does not interpret (RFC 3550 §5.3.1).
    Opaque,
}

impl ExtensionForm {
    // RFC 8285 §4.2, §4.3
    fn from_profile(profile: u16) -> Self {
        if profile == ONE_BYTE_PROFILE {
            ExtensionForm::OneByte
        } else if profile & TWO_BYTE_PROFILE_MASK == TWO_BYTE_PROFILE {
            ExtensionForm::TwoByte
        } else {
            ExtensionForm::Opaque
        }
    }
}

/// One header extension element: local id and its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extension<'a> {
    pub id: u8,
    pub data: &'a [u8],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ExtensionBlock {
    profile: u16,
    start: usize,
    len: usize,
}

/// A parsed RTP packet borrowing its bytes. Cheap to copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtpPacket<'a> {
    buf: &'a [u8],
    ext: Option<ExtensionBlock>,
    payload_start: usize,
    payload_end: usize,
}

impl<'a> RtpPacket<'a> {
    /// Validates the whole header once.
    // RFC 3550 §5.1 (fixed header, CSRC list, padding), §5.3.1 (extension), RFC 8285 §4 (elements)
    pub fn parse(buf: &'a [u8]) -> Result<Self, ParseError> {
        let len = buf.len();
        if len < FIXED_HEADER_LEN {
            return Err(ParseError::TooShort { len });
        }
        let version = buf[0] >> 6;
        if version != 2 {
            return Err(ParseError::BadVersion(version));
        }
        let count = buf[0] & 0x0F;
        let mut offset = FIXED_HEADER_LEN + 4 * usize::from(count);
        if offset > len {
            return Err(ParseError::CsrcOverrun { count, len });
        }
        let ext = if buf[0] & 0x10 != 0 {
            let head = buf
                .get(offset..offset + 4)
                .ok_or(ParseError::ExtensionOverrun)?;
            let profile = u16::from_be_bytes([head[0], head[1]]);
            let words = usize::from(u16::from_be_bytes([head[2], head[3]]));
            let start = offset + 4;
            let block = buf
                .get(start..start + 4 * words)
                .ok_or(ParseError::ExtensionOverrun)?;
            validate_elements(ExtensionForm::from_profile(profile), block)?;
            offset = start + block.len();
            Some(ExtensionBlock {
                profile,
                start,
                len: block.len(),
            })
        } else {
            None
        };
        let mut payload_end = len;
        if buf[0] & 0x20 != 0 {
            let available = len - offset;
            let count = buf[len - 1];
            if available == 0 || count == 0 || usize::from(count) > available {
                return Err(ParseError::BadPadding { count, available });
            }
            payload_end = len - usize::from(count);
        }
        Ok(Self {
            buf,
            ext,
            payload_start: offset,
            payload_end,
        })
    }

    /// The whole packet as received.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.buf
    }

    pub fn version(&self) -> u8 {
        self.buf[0] >> 6
    }

    pub fn has_padding(&self) -> bool {
        self.buf[0] & 0x20 != 0
    }

    pub fn has_extension(&self) -> bool {
        self.ext.is_some()
    }

    pub fn csrc_count(&self) -> u8 {
        self.buf[0] & 0x0F
    }

    pub fn marker(&self) -> bool {
        self.buf[1] & 0x80 != 0
    }

    pub fn payload_type(&self) -> u8 {
        self.buf[1] & 0x7F
    }

    pub fn sequence_number(&self) -> u16 {
        u16::from_be_bytes([self.buf[2], self.buf[3]])
    }

    pub fn timestamp(&self) -> u32 {
        u32::from_be_bytes([self.buf[4], self.buf[5], self.buf[6], self.buf[7]])
    }

    pub fn ssrc(&self) -> u32 {
        u32::from_be_bytes([self.buf[8], self.buf[9], self.buf[10], self.buf[11]])
    }

    /// The CSRC list as raw bytes (4 per CSRC).
    pub fn csrc_bytes(&self) -> &'a [u8] {
        &self.buf[FIXED_HEADER_LEN..FIXED_HEADER_LEN + 4 * usize::from(self.csrc_count())]
    }

    pub fn csrcs(&self) -> impl Iterator<Item = u32> + 'a {
        self.csrc_bytes()
            .chunks_exact(4)
            .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
    }

    /// The 16-bit "defined by profile" field of the extension block, if any.
    pub fn extension_profile(&self) -> Option<u16> {
        self.ext.map(|e| e.profile)
    }

    pub fn extension_form(&self) -> Option<ExtensionForm> {
        self.ext.map(|e| ExtensionForm::from_profile(e.profile))
    }

    /// The extension block's data (without its 4-byte head), empty if absent.
    pub fn extension_block(&self) -> &'a [u8] {
        match self.ext {
            Some(e) => &self.buf[e.start..e.start + e.len],
            None => &[],
        }
    }

    /// RFC 8285 elements; empty for an absent or opaque block.
    pub fn extensions(&self) -> Extensions<'a> {
        let form = self.extension_form().unwrap_or(ExtensionForm::Opaque);
        Extensions {
            form,
            data: self.extension_block(),
            pos: 0,
        }
    }

    /// First element with the given local id.
    pub fn extension(&self, id: u8) -> Option<&'a [u8]> {
        self.extensions().find(|e| e.id == id).map(|e| e.data)
    }

    /// Bytes before the payload: fixed header, CSRCs and extension block.
    pub fn header_len(&self) -> usize {
        self.payload_start
    }

    /// Payload without padding.
    pub fn payload(&self) -> &'a [u8] {
        &self.buf[self.payload_start..self.payload_end]
    }

    /// Padding bytes including the final count byte; empty when P is clear.
    pub fn padding(&self) -> &'a [u8] {
        &self.buf[self.payload_end..]
    }
}

/// Iterator over RFC 8285 elements of a validated block.
#[derive(Debug, Clone)]
pub struct Extensions<'a> {
    form: ExtensionForm,
    data: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for Extensions<'a> {
    type Item = Extension<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        match next_element(self.form, self.data, &mut self.pos) {
            Some(Ok(ext)) => Some(ext),
            _ => None,
        }
    }
}

fn validate_elements(form: ExtensionForm, block: &[u8]) -> Result<(), ParseError> {
    let mut pos = 0;
    while let Some(item) = next_element(form, block, &mut pos) {
        item?;
    }
    Ok(())
}

/// Reads the element at `pos` and advances past it; skips padding. `None` at the end of the block.
// RFC 8285 §4.2 (one-byte: 4-bit id, 4-bit length-1, id 15 stops), §4.3 (two-byte: id, length)
fn next_element<'a>(
    form: ExtensionForm,
    block: &'a [u8],
    pos: &mut usize,
) -> Option<Result<Extension<'a>, ParseError>> {
    loop {
        let first = *block.get(*pos)?;
        if first == 0 {
            *pos += 1; // padding byte in either form
            continue;
        }
        let (id, len, data_start) = match form {
            ExtensionForm::Opaque => return None,
            ExtensionForm::OneByte => {
                let id = first >> 4;
                if id == 15 {
                    *pos = block.len();
                    return None;
                }
                (id, usize::from(first & 0x0F) + 1, *pos + 1)
            }
            ExtensionForm::TwoByte => {
                let Some(&len) = block.get(*pos + 1) else {
                    *pos = block.len();
                    return Some(Err(ParseError::ExtensionElementOverrun { id: first }));
                };
                (first, usize::from(len), *pos + 2)
            }
        };
        let Some(data) = block.get(data_start..data_start + len) else {
            *pos = block.len();
            return Some(Err(ParseError::ExtensionElementOverrun { id }));
        };
        *pos = data_start + len;
        if id == 0 {
            continue; // one-byte id 0 with a non-zero length: reserved, skipped like padding
        }
        return Some(Ok(Extension { id, data }));
    }
}

#[cfg(test)]
mod tests;
