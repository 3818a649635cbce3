import { MediaStreamTrack, RTCPeerConnection, RtpHeader, RtpPacket, useOPUS, useVP8, type RTCRtpTransceiver } from 'werift';
import { opusPayload, vp8Payload } from './werift-peers.js';

/**
 * Helpers for clients that answer SFU offers (push without an offer, the openai-relay flow):
 * a werift peer (optionally ICE-lite, like OpenAI's endpoint), a marker-stamped audio source, and
 * a receive log that reads the markers back.
 */

/** A werift PeerConnection on 127.0.0.1; `iceLite` makes it an ICE-lite agent (controlled role). */
export function loopbackPeerWith(options: { iceLite?: boolean } = {}): RTCPeerConnection {
  return new RTCPeerConnection({
    iceServers: [],
    bundlePolicy: 'max-bundle',
    codecs: { audio: [useOPUS()], video: [useVP8()] },
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
    iceLite: options.iceLite ?? false,
  });
}

/** Writes RTP whose payload ends with a 32-bit marker from `firstMarker` upwards. */
export interface RtpSource {
  readonly track: MediaStreamTrack;
  /** Markers written so far. */
  readonly sent: number;
  send(): number;
  start(intervalMs: number, maxPackets: number): void;
  stop(): void;
}

export function audioSource(firstMarker: number): RtpSource {
  const track = new MediaStreamTrack({ kind: 'audio' });
  let seq = 100;
  let ts = 9600;
  let marker = firstMarker;
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  const send = (): number => {
    const m = marker++;
    track.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 111, sequenceNumber: seq++ & 0xffff, timestamp: ts }), opusPayload(m)));
    ts = (ts + 960) >>> 0;
    sent++;
    return m;
  };
  return {
    track,
    get sent() {
      return sent;
    },
    send,
    start(intervalMs, maxPackets) {
      let n = 0;
      timer = setInterval(() => {
        if (n++ >= maxPackets) return clearInterval(timer);
        send();
      }, intervalMs);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}

/** Writes VP8 RTP (a keyframe every `keyframeEvery` packets) with markers, like `audioSource`. */
export function videoSource(firstMarker: number, keyframeEvery = 10): RtpSource {
  const track = new MediaStreamTrack({ kind: 'video' });
  let seq = 7000;
  let ts = 90_000;
  let marker = firstMarker;
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  const send = (): number => {
    const m = marker++;
    const header = new RtpHeader({ payloadType: 96, sequenceNumber: seq++ & 0xffff, timestamp: ts, marker: true });
    track.writeRtp(new RtpPacket(header, vp8Payload(sent % keyframeEvery === 0, m)));
    ts = (ts + 3000) >>> 0;
    sent++;
    return m;
  };
  return {
    track,
    get sent() {
      return sent;
    },
    send,
    start(intervalMs, maxPackets) {
      let n = 0;
      timer = setInterval(() => {
        if (n++ >= maxPackets) return clearInterval(timer);
        send();
      }, intervalMs);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}

/** Everything a PeerConnection receives, per mid: payload markers and bytes. */
export interface ReceiveLog {
  markers(mid: string): number[];
  bytes(mid: string): number;
  /** Markers received from any mid. */
  allMarkers(): number[];
}

export function receiveLog(pc: RTCPeerConnection): ReceiveLog {
  const markers = new Map<string, number[]>();
  const bytes = new Map<string, number>();
  pc.onTrack.subscribe((track) => {
    const transceiver = pc.getTransceivers().find((t) => t.receiver.track === track || t.receiver.tracks.includes(track));
    track.onReceiveRtp.subscribe((rtp) => {
      const mid = transceiver?.mid ?? '?';
      const list = markers.get(mid) ?? [];
      if (rtp.payload.length >= 4) list.push(rtp.payload.readUInt32BE(rtp.payload.length - 4));
      markers.set(mid, list);
      bytes.set(mid, (bytes.get(mid) ?? 0) + rtp.payload.length);
    });
  });
  return {
    markers: (mid) => markers.get(mid) ?? [],
    bytes: (mid) => bytes.get(mid) ?? 0,
    allMarkers: () => [...markers.values()].flat(),
  };
}

/**
 * Answers an SFU offer. For every mid in `send`, the client's transceiver is made to send that
 * track (`sendrecv` when the offer is `sendrecv`, else `sendonly`). Returns the answer SDP.
 */
export async function answerSfuOffer(
  pc: RTCPeerConnection,
  offerSdp: string,
  send: ReadonlyMap<string, MediaStreamTrack> = new Map(),
): Promise<string> {
  await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
  for (const [mid, track] of send) {
    const transceiver = transceiverOf(pc, mid);
    const offered = offeredDirection(offerSdp, mid);
    transceiver.setDirection(offered === 'sendrecv' ? 'sendrecv' : 'sendonly');
    await transceiver.sender.replaceTrack(track);
  }
  await pc.setLocalDescription(await pc.createAnswer());
  return pc.localDescription!.sdp;
}

export function transceiverOf(pc: RTCPeerConnection, mid: string): RTCRtpTransceiver {
  const t = pc.getTransceivers().find((x) => x.mid === mid);
  if (!t) throw new Error(`no transceiver with mid ${mid}`);
  return t;
}

/** The direction attribute of the media section `mid` in an SDP. */
export function offeredDirection(sdp: string, mid: string): string | undefined {
  const sections = sdp.split(/\r?\nm=/).slice(1);
  for (const section of sections) {
    if (!new RegExp(`\\r?\\na=mid:${mid}\\r?\\n`).test(`\r\n${section}\r\n`)) continue;
    return /\r?\na=(sendrecv|sendonly|recvonly|inactive)(?=\r?\n|$)/.exec(section)?.[1];
  }
  return undefined;
}
