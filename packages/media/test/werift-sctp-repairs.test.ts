import { afterEach, describe, expect, test } from 'vitest';
import { RTCPeerConnection } from 'werift';
import { isSctpRepaired, repairSctp } from '../src/werift-sctp-repairs.js';

/**
 * Our repairs of werift's SCTP association, on werift's real code (white box: these reach into
 * werift internals on purpose, as the repairs do).
 * - Receiver (werift #706): one stream's messages whose TSNs are not consecutive (another stream
 *   took the TSNs between), arriving out of order. A packet script: the chunks go into werift's own
 *   `InboundStream`, then `popMessages()` runs as werift runs it.
 * - Sender: a leaked flight size with nothing outstanding must not block `transmit()`.
 */

const FIRST_AND_LAST = 0x03; // SCTP_DATA_FIRST_FRAG | SCTP_DATA_LAST_FRAG: a whole message
const PPID_STRING = 51;

interface ChunkLike {
  tsn: number;
  streamId: number;
  streamSeqNum: number;
  protocol: number;
  flags: number;
  userData: Buffer;
}

interface StreamLike {
  addChunk(chunk: ChunkLike): void;
  popMessages(): Generator<[number, number, Buffer]>;
}

interface AssociationLike {
  getInboundStream(streamId: number): StreamLike;
  transmit(): Promise<void>;
  sentQueue: unknown[];
  outboundQueue: unknown[];
  flightSize: number;
  cwnd: number;
  peerAdvertisedRwnd: number;
  send(streamId: number, ppId: number, data: Buffer): Promise<void>;
}

function chunk(tsn: number, streamSeqNum: number, text: string): ChunkLike {
  return { tsn, streamId: 1, streamSeqNum, protocol: PPID_STRING, flags: FIRST_AND_LAST, userData: Buffer.from(text) };
}

/** Stream 1 carries TSNs 10, 12, 14 (stream 2 had 11 and 13); 12 and 14 arrive before 10. */
function deliverOutOfOrder(stream: StreamLike): string[] {
  const out: string[] = [];
  const pop = (): void => {
    for (const [, , data] of stream.popMessages()) out.push(data.toString());
  };
  stream.addChunk(chunk(12, 1, 'second'));
  pop();
  stream.addChunk(chunk(14, 2, 'third'));
  pop();
  stream.addChunk(chunk(10, 0, 'first'));
  pop();
  return out;
}

describe('werift SCTP repairs', () => {
  const pcs: RTCPeerConnection[] = [];
  afterEach(async () => {
    await Promise.all(pcs.splice(0).map((pc) => pc.close()));
  });

  function association(): { pc: RTCPeerConnection; sctp: AssociationLike } {
    const pc = new RTCPeerConnection({ iceServers: [] });
    pcs.push(pc);
    pc.createDataChannel('probe'); // creates the SCTP transport and its association
    return { pc, sctp: pc.sctpTransport!.sctp as unknown as AssociationLike };
  }

  test('unrepaired werift strands complete messages (the bug is still there)', () => {
    const { sctp } = association();
    expect(deliverOutOfOrder(sctp.getInboundStream(1))).toEqual(['first']);
  });

  test('repaired: every complete message comes out, in stream order', () => {
    const { pc, sctp } = association();
    repairSctp(pc.sctpTransport);
    expect(isSctpRepaired(pc.sctpTransport)).toBe(true);
    expect(deliverOutOfOrder(sctp.getInboundStream(1))).toEqual(['first', 'second', 'third']);
  });

  test('streams that existed before the repair are repaired too; repairing twice is harmless', () => {
    const { pc, sctp } = association();
    const stream = sctp.getInboundStream(1);
    repairSctp(pc.sctpTransport);
    repairSctp(pc.sctpTransport);
    expect(deliverOutOfOrder(stream)).toEqual(['first', 'second', 'third']);
  });

  test('an incomplete ordered message still waits (nothing is delivered out of order)', () => {
    const { pc, sctp } = association();
    repairSctp(pc.sctpTransport);
    const stream = sctp.getInboundStream(1);
    stream.addChunk(chunk(12, 1, 'second'));
    expect([...stream.popMessages()]).toEqual([]);
    stream.addChunk({ ...chunk(10, 0, 'fir'), flags: 0x02 }); // first fragment only
    expect([...stream.popMessages()]).toEqual([]);
    stream.addChunk({ ...chunk(11, 0, 'st'), flags: 0x01 }); // last fragment
    expect([...stream.popMessages()].map(([, , d]) => d.toString())).toEqual(['first', 'second']);
  });

  /** A leaked flight size above the window with nothing outstanding, then one message to send. */
  async function sendAfterLeak(sctp: AssociationLike): Promise<{ queued: number; inFlight: number }> {
    sctp.peerAdvertisedRwnd = 1 << 20;
    sctp.flightSize = sctp.cwnd + 100; // bytes no outstanding chunk accounts for
    void sctp.send(1, PPID_STRING, Buffer.from('hello')); // queues one chunk, runs transmit()
    await new Promise((r) => setImmediate(r));
    return { queued: sctp.outboundQueue.length, inFlight: sctp.sentQueue.length };
  }

  test('unrepaired werift: a leaked flight size blocks sending for good', async () => {
    const { sctp } = association();
    expect(sctp.sentQueue).toHaveLength(0);
    expect(await sendAfterLeak(sctp)).toEqual({ queued: 1, inFlight: 0 });
  });

  test('repaired: nothing outstanding means nothing in flight, so the message goes out', async () => {
    const { pc, sctp } = association();
    repairSctp(pc.sctpTransport);
    expect(await sendAfterLeak(sctp)).toEqual({ queued: 0, inFlight: 1 });
    expect(sctp.flightSize).toBe(5); // exactly the one chunk now in flight ("hello")
  });

  test('no SCTP transport: a no-op', () => {
    expect(() => repairSctp(undefined)).not.toThrow();
    expect(isSctpRepaired(undefined)).toBe(false);
  });
});
