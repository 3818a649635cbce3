import {
  RTCRtpCodecParameters,
  useAbsSendTime,
  useAudioLevelIndication,
  useH264,
  useOPUS,
  useRepairedRtpStreamId,
  useSdesMid,
  useSdesRTPStreamId,
  useTransportWideCC,
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
 * Header extensions every PeerConnection negotiates. Transport-wide sequence numbers only on
 * engine native, which answers them with transport-wide feedback from Rust (rtp_core `twcc`), so
 * a Chromium publisher finds the path's capacity in seconds. Engine werift leaves them out:
 * werift's own per-receiver feedback is sparse and wrong, and a Chromium publisher fed it drops
 * its estimate to ~300 kbit/s (only the lowest simulcast layer survives); without the extension
 * Chromium estimates from loss reports and REMB instead.
 */
export function sfuHeaderExtensions(options: { transportWideCc: boolean }): {
  audio: RTCRtpHeaderExtensionParameters[];
  video: RTCRtpHeaderExtensionParameters[];
} {
  const twcc = options.transportWideCc ? [useTransportWideCC()] : [];
  return {
    audio: [useSdesMid(), useAbsSendTime(), useAudioLevelIndication(), ...twcc],
    video: [useSdesMid(), useAbsSendTime(), useSdesRTPStreamId(), useRepairedRtpStreamId(), ...twcc],
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
