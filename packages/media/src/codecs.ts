import {
  RTCRtpCodecParameters,
  useAbsSendTime,
  useAudioLevelIndication,
  useH264,
  useOPUS,
  useRepairedRtpStreamId,
  useSdesMid,
  useSdesRTPStreamId,
  useVP8,
  useVP9,
  type RTCRtpHeaderExtensionParameters,
} from 'werift';
import type { NativeCodec, NativeExtension } from './native-gateway.js';

/**
 * The codecs every OpenCalls PeerConnection offers and accepts. Identical on every PC, so that
 * when the SFU is the offerer payload types and extension ids are the same everywhere.
 */
export function sfuCodecs(): { audio: RTCRtpCodecParameters[]; video: RTCRtpCodecParameters[] } {
  return {
    audio: [
      useOPUS({ parameters: 'minptime=10;useinbandfec=1' }),
      new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, channels: 1, payloadType: 0 }),
      new RTCRtpCodecParameters({ mimeType: 'audio/PCMA', clockRate: 8000, channels: 1, payloadType: 8 }),
    ],
    video: [
      useVP8(),
      useVP9(),
      useH264(),
    ],
  };
}

/**
 * No transport-wide-cc: werift answers `transport-cc` feedback but its per-receiver TWCC reports
 * are sparse and wrong, and a Chromium publisher fed them drops its estimate to ~300 kbps within
 * seconds (only the lowest simulcast layer survives). Without the extension Chromium estimates
 * from RTCP loss reports and REMB instead. Correct transport-wide feedback is media-plane work.
 */
export function sfuHeaderExtensions(): {
  audio: RTCRtpHeaderExtensionParameters[];
  video: RTCRtpHeaderExtensionParameters[];
} {
  return {
    audio: [useSdesMid(), useAbsSendTime(), useAudioLevelIndication()],
    video: [useSdesMid(), useAbsSendTime(), useSdesRTPStreamId(), useRepairedRtpStreamId()],
  };
}

/**
 * Extensions that identify a stream on one PeerConnection (or that werift's sender writes
 * itself) never cross from a publisher to a subscriber.
 */
const HOP_BY_HOP_EXTENSIONS = new Set<string>([
  'urn:ietf:params:rtp-hdrext:sdes:mid',
  'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
  'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id',
  'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
]);

export function toNativeCodecs(codecs: readonly RTCRtpCodecParameters[]): NativeCodec[] {
  const out: NativeCodec[] = [];
  for (const c of codecs) {
    if (c.payloadType === undefined) continue;
    out.push({ payloadType: c.payloadType, mimeType: c.mimeType, clockRate: c.clockRate });
  }
  return out;
}

/** The publisher side keeps all ids (native needs them to read the URIs). */
export function toNativeExtensions(extensions: readonly RTCRtpHeaderExtensionParameters[]): NativeExtension[] {
  return extensions.map((e) => ({ id: e.id, uri: e.uri }));
}

/** The subscriber side lists only end-to-end extensions, so native drops the rest. */
export function toForwardedExtensions(extensions: readonly RTCRtpHeaderExtensionParameters[]): NativeExtension[] {
  return extensions.filter((e) => !HOP_BY_HOP_EXTENSIONS.has(e.uri)).map((e) => ({ id: e.id, uri: e.uri }));
}
