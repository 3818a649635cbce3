//! What the engine did with every datagram, by class: delivered to JavaScript (STUN, DTLS) or
//! handled natively (SRTP, SRTCP), and every reason a datagram was dropped. Read in one call.

macro_rules! counters {
    ($($name:ident = $js:literal,)*) => {
        /// One counter; its index in [`COUNTER_NAMES`] and in `readCounters` output.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(usize)]
        pub enum Counter { $($name,)* }

        /// camelCase names, in index order.
        pub const COUNTER_NAMES: &[&str] = &[$($js,)*];
    };
}

counters! {
    RxDatagrams = "rxDatagrams",
    RxBytes = "rxBytes",
    StunToJs = "stunToJs",
    DtlsToJs = "dtlsToJs",
    // RTP or RTCP handed to JavaScript. The engine never does this; the counter exists so a test
    // can prove it (the queue counts each datagram by its own first byte).
    MediaToJs = "mediaToJs",
    OtherToJs = "otherToJs",
    RtpIn = "rtpIn",
    RtcpIn = "rtcpIn",
    RtpForwarded = "rtpForwarded",
    RtpForwardedBytes = "rtpForwardedBytes",
    RtcpSent = "rtcpSent",
    TxDatagrams = "txDatagrams",
    TxBytes = "txBytes",
    TxFailed = "txFailed",
    // Of txDatagrams, those sent as segments of a UDP GSO message.
    TxCoalesced = "txCoalesced",
    ControlSent = "controlSent",
    DropUnknownEndpoint = "dropUnknownEndpoint",
    DropMalformed = "dropMalformed",
    DropOversized = "dropOversized",
    DropNoKeys = "dropNoKeys",
    DropAuth = "dropAuth",
    DropReplay = "dropReplay",
    DropUnknownSsrc = "dropUnknownSsrc",
    DropNoOutput = "dropNoOutput",
    DropControlQueueFull = "dropControlQueueFull",
    // STUN requests that name none of our ufrags or fail MESSAGE-INTEGRITY.
    DropStunAuth = "dropStunAuth",
    NackReceived = "nackReceived",
    NackResent = "nackResent",
    NackMissed = "nackMissed",
    NackSent = "nackSent",
    KeyframeRequestsReceived = "keyframeRequestsReceived",
    PliSent = "pliSent",
    RembSent = "rembSent",
    TwccFeedbackSent = "twccFeedbackSent",
    SrSent = "srSent",
    RrSent = "rrSent",
    Panics = "panics",
}

pub const COUNTER_COUNT: usize = COUNTER_NAMES.len();

#[derive(Debug, Clone)]
pub struct Counters {
    values: [u64; COUNTER_COUNT],
}

impl Default for Counters {
    fn default() -> Self {
        Self {
            values: [0; COUNTER_COUNT],
        }
    }
}

impl Counters {
    #[inline]
    pub fn add(&mut self, c: Counter, n: u64) {
        self.values[c as usize] = self.values[c as usize].wrapping_add(n);
    }

    #[inline]
    pub fn inc(&mut self, c: Counter) {
        self.add(c, 1);
    }

    pub fn get(&self, c: Counter) -> u64 {
        self.values[c as usize]
    }

    /// Writes as many counters as fit, in index order; returns how many.
    pub fn fill(&self, out: &mut [f64]) -> usize {
        let n = out.len().min(COUNTER_COUNT);
        for (o, v) in out[..n].iter_mut().zip(&self.values) {
            *o = *v as f64;
        }
        n
    }
}
