import { RTCDtlsTransport, RtpPacket, type RTCPeerConnection } from 'werift';
import { SEND_TIME_OFFSET } from './synthetic-media.js';

/** What one benchmark subscriber saw. */
export interface SubscriberCounter {
  packets: number;
  bytes: number;
  /** One-way latencies (ms) of sampled packets: receive time − send time carried in the payload. */
  readonly latencies: number[];
  recording: boolean;
}

const counters = new WeakMap<RTCDtlsTransport, SubscriberCounter>();
let installed = false;

/** Decrypt one packet in this many to read its send time; the rest are only counted. */
const SAMPLE_EVERY = 8;

/**
 * The load generator's receive path: werift does real ICE and DTLS, but once SRTP keys exist we
 * count media datagrams instead of handing them to werift's RTP stack, decrypting one in
 * SAMPLE_EVERY to read the send time. This keeps the generator cheap so it is not the bottleneck.
 */
export function installCountingReceivePath(): void {
  if (installed) return;
  installed = true;
  const proto = RTCDtlsTransport.prototype as unknown as {
    startSrtp(this: DtlsLike): void;
  };
  proto.startSrtp = function startCountingSrtp(this: DtlsLike): void {
    if (this.srtpStarted) return;
    this.srtpStarted = true;
    this.updateSrtpSession();
    const counter = counters.get(this as unknown as RTCDtlsTransport);
    if (!counter) return; // a publisher: it only sends
    let n = 0;
    this.iceTransport.connection.onData.subscribe((data: Buffer) => {
      const b1 = data[1] ?? 0;
      if (data.length < 12 || (data[0]! & 0xc0) !== 0x80 || (b1 >= 192 && b1 <= 223)) return; // not RTP
      if (!counter.recording) return;
      counter.packets++;
      counter.bytes += data.length;
      if (n++ % SAMPLE_EVERY !== 0) return;
      try {
        const rtp = RtpPacket.deSerialize(this.srtp.decrypt(data));
        if (rtp.payload.length >= SEND_TIME_OFFSET + 8) {
          counter.latencies.push(performance.now() - rtp.payload.readDoubleLE(SEND_TIME_OFFSET));
        }
      } catch {
        // a packet we cannot decrypt counts as received but gives no latency sample
      }
    });
  };
}

interface DtlsLike {
  srtpStarted: boolean;
  updateSrtpSession(): void;
  srtp: { decrypt(buf: Buffer): Buffer };
  iceTransport: { connection: { onData: { subscribe(fn: (data: Buffer) => void): unknown } } };
}

/** Counts what arrives on `pc` (call after setRemoteDescription, before DTLS connects). */
export function countOn(pc: RTCPeerConnection): SubscriberCounter {
  const counter: SubscriberCounter = { packets: 0, bytes: 0, latencies: [], recording: false };
  for (const t of pc.dtlsTransports) counters.set(t, counter);
  return counter;
}
