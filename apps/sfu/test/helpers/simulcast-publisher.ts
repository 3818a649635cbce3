import {
  RTCPeerConnection,
  RtcpPayloadSpecificFeedback,
  RtpHeader,
  PictureLossIndication,
  serializeSdesMid,
  serializeSdesRTPStreamID,
  useSdesMid,
  useSdesRTPStreamId,
  useVP8,
  type RTCRtpTransceiver,
  type RtcpPacket,
} from 'werift';
import { vp8Payload } from './werift-peers.js';

const MID_URI = 'urn:ietf:params:rtp-hdrext:sdes:mid';
const RID_URI = 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id';

/** Payload sizes tell the layers apart on the subscriber side (and from plain 200-byte VP8). */
export const LAYER_PAYLOAD_BYTES: Readonly<Record<string, number>> = { f: 400, h: 300, q: 150 };

/** The layer a forwarded payload came from (by its size), or undefined for other payloads. */
export function layerOfPayload(payload: Buffer): string | undefined {
  return Object.keys(LAYER_PAYLOAD_BYTES).find((rid) => LAYER_PAYLOAD_BYTES[rid] === payload.length);
}

/** The `tag` of the sender that wrote a forwarded payload (see `simulcastSender`). */
export function tagOfPayload(payload: Buffer): number {
  return payload.readUInt32BE(payload.length - 4) >>> 28;
}

/** VP8 keyframe test on a forwarded payload (RFC 7741 descriptor of one byte, then P bit). */
export function isVp8Keyframe(payload: Buffer): boolean {
  return (payload[1]! & 0x01) === 0;
}

/** A werift PeerConnection offering the MID and RID header extensions, on 127.0.0.1 only. */
export function simulcastPublisherPeer(): RTCPeerConnection {
  return new RTCPeerConnection({
    iceServers: [],
    bundlePolicy: 'max-bundle',
    codecs: { video: [useVP8()] },
    headerExtensions: { video: [useSdesMid(), useSdesRTPStreamId()] },
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
  });
}

export interface SimulcastSender {
  readonly transceiver: RTCRtpTransceiver;
  readonly rids: readonly string[];
  /** The SSRC of each layer (not the transceiver's own SSRC: these are written by hand). */
  readonly ssrcs: Readonly<Record<string, number>>;
  /** PLIs the SFU sent for each layer. */
  readonly plis: Record<string, number>;
  /** Starts one frame (one packet) per active layer every `intervalMs`; keyframes every `keyframeEvery` frames and after a PLI. */
  start(intervalMs: number, keyframeEvery: number): void;
  /** Stops or resumes one layer (an encoder dropping a layer). */
  setActive(rid: string, active: boolean): void;
  stop(): void;
}

/**
 * werift 0.25.2 puts `a=simulcast:send` and `a=rid:… send` in its offer for `sendEncodings` with
 * rids, but its sender writes one SSRC only. So each layer's RTP is written here by hand: its own
 * SSRC, the MID and RID header extensions with the negotiated ids, straight to the DTLS transport
 * (SRTP). Call `start` after the answer is applied (the extension ids are known then).
 */
export function simulcastSender(
  pc: RTCPeerConnection,
  rids: readonly string[] = ['f', 'h', 'q'],
  options: {
    readonly ssrcBase?: number;
    /** 0–7, written into the top bits of every payload's marker (`tagOfPayload`). */
    readonly tag?: number;
    /** Write the MID/RID extensions on this many first packets per layer only (as browsers do). */
    readonly extensionsForFirst?: number;
  } = {},
): SimulcastSender {
  const extensionsForFirst = options.extensionsForFirst ?? Infinity;
  const ssrcBase = options.ssrcBase ?? 0x5100_0000;
  const tag = (options.tag ?? 0) & 0x7;
  const transceiver = pc.addTransceiver('video', {
    direction: 'sendonly',
    sendEncodings: rids.map((rid) => ({ rid })),
  } as never);
  const ssrcs: Record<string, number> = {};
  const plis: Record<string, number> = {};
  const state = new Map<string, { seq: number; ts: number; frame: number; keyNext: boolean; active: boolean }>();
  rids.forEach((rid, i) => {
    ssrcs[rid] = ssrcBase + i * 0x1111;
    plis[rid] = 0;
    state.set(rid, { seq: 1000 * (i + 1), ts: 90_000 * (i + 1), frame: 0, keyNext: true, active: true });
  });
  let timer: NodeJS.Timeout | undefined;
  let unsubscribeRtcp: (() => void) | undefined;

  const extensionId = (uri: string): number => {
    const ext = transceiver.headerExtensions.find((e) => e.uri === uri);
    if (!ext) throw new Error(`extension ${uri} was not negotiated`);
    return ext.id;
  };

  const onRtcp = (rtcp: RtcpPacket): void => {
    if (!(rtcp instanceof RtcpPayloadSpecificFeedback) || !(rtcp.feedback instanceof PictureLossIndication)) return;
    const rid = rids.find((r) => ssrcs[r] === rtcp.feedback.mediaSsrc);
    if (!rid) return;
    plis[rid]! += 1;
    state.get(rid)!.keyNext = true;
  };

  return {
    transceiver,
    rids,
    ssrcs,
    plis,
    start(intervalMs, keyframeEvery) {
      const midId = extensionId(MID_URI);
      const ridId = extensionId(RID_URI);
      const payloadType = transceiver.codecs[0]!.payloadType!;
      const dtls = transceiver.sender.dtlsTransport;
      unsubscribeRtcp = dtls.onRtcp.subscribe(onRtcp).unSubscribe;
      timer = setInterval(() => {
        rids.forEach((rid, i) => {
          const s = state.get(rid)!;
          if (!s.active) return;
          const keyframe = s.keyNext || s.frame % keyframeEvery === 0;
          s.keyNext = false;
          const marker = (tag << 28) | ((i + 1) << 24) | (s.frame & 0xffffff);
          const header = new RtpHeader({
            ssrc: ssrcs[rid],
            payloadType,
            sequenceNumber: s.seq & 0xffff,
            timestamp: s.ts >>> 0,
            marker: true,
            extensions:
              s.frame < extensionsForFirst
                ? [
                    { id: midId, payload: serializeSdesMid(transceiver.mid!) },
                    { id: ridId, payload: serializeSdesRTPStreamID(rid) },
                  ]
                : [],
          });
          void dtls.sendRtp(vp8Payload(keyframe, marker, LAYER_PAYLOAD_BYTES[rid] ?? 100), header);
          s.seq += 1;
          s.ts += 3000;
          s.frame += 1;
        });
      }, intervalMs);
    },
    setActive(rid, active) {
      const s = state.get(rid);
      if (!s) throw new Error(`no layer ${rid}`);
      if (active && !s.active) s.keyNext = true; // an encoder resumes a layer with a keyframe
      s.active = active;
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      unsubscribeRtcp?.();
    },
  };
}
