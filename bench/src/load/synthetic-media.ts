import { MediaStreamTrack, RtpHeader, RtpPacket, type RTCPeerConnection, type RTCRtpTransceiver } from 'werift';

/** Where the send time (a float64, ms on `performance.now()`'s clock) sits in every payload. */
export const SEND_TIME_OFFSET = 16;

export interface MediaRates {
  /** Video frames per second; each frame is `packetsPerFrame` packets of `videoPayloadBytes`. */
  readonly fps: number;
  readonly packetsPerFrame: number;
  readonly videoPayloadBytes: number;
  /** Audio packets per second (Opus-like, 20 ms) of `audioPayloadBytes`. */
  readonly audioPps: number;
  readonly audioPayloadBytes: number;
  /** A keyframe every this many frames. */
  readonly keyframeEvery: number;
}

/** ≈1 Mbit/s of video (30 fps × 4 × 1050 B) + 50 pps Opus-sized audio. */
export const DEFAULT_RATES: MediaRates = Object.freeze({
  fps: 30,
  packetsPerFrame: 4,
  videoPayloadBytes: 1050,
  audioPps: 50,
  audioPayloadBytes: 120,
  keyframeEvery: 30,
});

export interface SyntheticPublisher {
  readonly video: RTCRtpTransceiver;
  readonly audio: RTCRtpTransceiver;
  readonly sent: { video: number; audio: number };
  start(): void;
  stop(): void;
}

/**
 * A publisher that writes RTP itself: VP8-shaped video (RFC 7741 descriptor, key/delta frames)
 * and Opus-sized audio, each payload carrying its send time at SEND_TIME_OFFSET.
 */
export function syntheticPublisher(pc: RTCPeerConnection, rates: MediaRates = DEFAULT_RATES): SyntheticPublisher {
  const videoTrack = new MediaStreamTrack({ kind: 'video' });
  const audioTrack = new MediaStreamTrack({ kind: 'audio' });
  const video = pc.addTransceiver(videoTrack, { direction: 'sendonly' });
  const audio = pc.addTransceiver(audioTrack, { direction: 'sendonly' });
  const sent = { video: 0, audio: 0 };
  let seqV = 1;
  let seqA = 1;
  let frame = 0;
  let audioPackets = 0;
  let startedAt = 0;
  let timer: NodeJS.Timeout | undefined;

  const sendFrame = (): void => {
    const key = frame % rates.keyframeEvery === 0;
    const ts = (frame * 3000) >>> 0;
    for (let i = 0; i < rates.packetsPerFrame; i++) {
      const payload = Buffer.alloc(rates.videoPayloadBytes);
      payload[0] = i === 0 ? 0x10 : 0x00; // S bit on the first packet of the frame
      payload[1] = key ? 0x00 : 0x01;
      if (key && i === 0) payload.set([0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01], 4);
      payload.writeDoubleLE(performance.now(), SEND_TIME_OFFSET);
      const last = i === rates.packetsPerFrame - 1;
      videoTrack.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 96, sequenceNumber: seqV++ & 0xffff, timestamp: ts, marker: last }), payload));
      sent.video++;
    }
    frame++;
  };
  const sendAudio = (): void => {
    const payload = Buffer.alloc(rates.audioPayloadBytes, 0xfc);
    payload.writeDoubleLE(performance.now(), SEND_TIME_OFFSET);
    audioTrack.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 111, sequenceNumber: seqA++ & 0xffff, timestamp: (audioPackets * 960) >>> 0 }), payload));
    audioPackets++;
    sent.audio++;
  };

  return {
    video,
    audio,
    sent,
    start() {
      startedAt = performance.now();
      // Paced by elapsed time, so timer jitter changes burst sizes, not the rate.
      timer = setInterval(() => {
        const elapsed = (performance.now() - startedAt) / 1000;
        while (frame < Math.floor(elapsed * rates.fps)) sendFrame();
        while (audioPackets < Math.floor(elapsed * rates.audioPps)) sendAudio();
      }, 5);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
