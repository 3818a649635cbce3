import {
  MediaStreamTrack,
  RTCPeerConnection,
  RtpHeader,
  RtpPacket,
  useOPUS,
  useVP8,
  type RTCRtpTransceiver,
} from 'werift';

/** A werift PeerConnection that only talks to 127.0.0.1, like a client on this machine. */
export function loopbackPeer(): RTCPeerConnection {
  return new RTCPeerConnection({
    iceServers: [],
    bundlePolicy: 'max-bundle',
    codecs: { audio: [useOPUS()], video: [useVP8()] },
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
  });
}

/**
 * A VP8 payload: RFC 7741 descriptor (S=1, partition 0) then a VP8 frame header whose P bit
 * says key or delta frame; a keyframe carries the start code and a 640×480 size.
 * `marker` bytes make each payload unique so the test can find it on the other side.
 */
export function vp8Payload(keyframe: boolean, marker: number, size = 200): Buffer {
  const buf = Buffer.alloc(size);
  buf[0] = 0x10; // X=0, N=0, S=1, PID=0
  if (keyframe) {
    buf[1] = 0x00; // P=0: key frame (RFC 6386 §9.1), version 0, show_frame bits below
    buf[2] = 0x00;
    buf[3] = 0x00;
    buf.set([0x9d, 0x01, 0x2a], 4);
    buf.writeUInt16LE(640, 7);
    buf.writeUInt16LE(480, 9);
  } else {
    buf[1] = 0x01; // P=1: interframe
  }
  buf.writeUInt32BE(marker >>> 0, size - 4);
  return buf;
}

export function opusPayload(marker: number, size = 80): Buffer {
  const buf = Buffer.alloc(size, 0xfc);
  buf.writeUInt32BE(marker >>> 0, size - 4);
  return buf;
}

export interface SyntheticSender {
  readonly video: RTCRtpTransceiver;
  readonly audio: RTCRtpTransceiver;
  /** Sends one video packet (key or delta) and one audio packet; returns their markers. */
  sendBurst(keyframe: boolean): { video: number; audio: number };
  /** Sends one audio packet only. */
  sendAudio(): number;
  /** Sends bursts every `intervalMs` until stop() or `maxBursts`. */
  start(intervalMs: number, maxBursts: number, keyframeEvery?: number): void;
  stop(): void;
}

/** A publisher PeerConnection with a VP8 and an Opus track whose RTP we write ourselves. */
export function syntheticPublisher(pc: RTCPeerConnection): SyntheticSender {
  const videoTrack = new MediaStreamTrack({ kind: 'video' });
  const audioTrack = new MediaStreamTrack({ kind: 'audio' });
  const video = pc.addTransceiver(videoTrack, { direction: 'sendonly' });
  const audio = pc.addTransceiver(audioTrack, { direction: 'sendonly' });
  let seqV = 1000;
  let seqA = 5000;
  let tsV = 90_000;
  let tsA = 48_000;
  let marker = 1;
  let timer: NodeJS.Timeout | undefined;
  const sendBurst = (keyframe: boolean): { video: number; audio: number } => {
    const v = marker++;
    const a = marker++;
    videoTrack.writeRtp(
      new RtpPacket(new RtpHeader({ payloadType: 96, sequenceNumber: seqV++ & 0xffff, timestamp: tsV, marker: true }), vp8Payload(keyframe, v)),
    );
    audioTrack.writeRtp(
      new RtpPacket(new RtpHeader({ payloadType: 111, sequenceNumber: seqA++ & 0xffff, timestamp: tsA }), opusPayload(a)),
    );
    tsV = (tsV + 3000) >>> 0;
    tsA = (tsA + 960) >>> 0;
    return { video: v, audio: a };
  };
  const sendAudio = (): number => {
    const a = marker++;
    audioTrack.writeRtp(
      new RtpPacket(new RtpHeader({ payloadType: 111, sequenceNumber: seqA++ & 0xffff, timestamp: tsA }), opusPayload(a)),
    );
    tsA = (tsA + 960) >>> 0;
    return a;
  };
  return {
    video,
    audio,
    sendBurst,
    sendAudio,
    start(intervalMs, maxBursts, keyframeEvery = 30) {
      let n = 0;
      timer = setInterval(() => {
        if (n >= maxBursts) {
          clearInterval(timer);
          return;
        }
        sendBurst(n % keyframeEvery === 0);
        n++;
      }, intervalMs);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
