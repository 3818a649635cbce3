import type { RTCSctpTransport } from 'werift';

/**
 * Workarounds for two bugs of werift's SCTP association (werift 0.25.2), installed on one
 * association object at a time from our code; werift's files and classes stay untouched.
 *
 * 1. Receiver: reassembly strands complete messages (werift issue #706, werift-napi.md §A.4).
 *    `InboundStream.popMessages()` keeps going after it delivered a message as if the next chunk
 *    continued it: it only accepts the chunk whose TSN directly follows. TSNs are numbered per
 *    association, so as soon as two streams carry traffic (and a chunk arrived out of order) the
 *    loop stops and a complete message waits for the next chunk of its stream (the stream's last
 *    message waits forever). Measured: 4 streams × 200 small messages, ~140 per stream arrived.
 *    Repair: each stream's `popMessages` becomes "call the original again until it yields
 *    nothing". A fresh call starts at the head of the queue, so every deliverable message (complete
 *    and, on ordered streams, next in sequence) comes out, in order.
 *
 * 2. Sender: the flight size leaks and the association stops sending for good. After a
 *    retransmission timeout werift marks every outstanding chunk for retransmission and zeroes the
 *    flight size, including chunks the peer had already acknowledged in a gap block; resending one
 *    of those adds it to the flight size again, and the later cumulative acknowledgment does not
 *    take it out (it is still flagged as acknowledged). The leaked bytes add up; once they exceed
 *    the congestion window, `transmit()` sends nothing, no SACK comes back, and the retransmission
 *    timer is not running (nothing is outstanding): a permanent stall. Seen here after a burst on
 *    four streams (a client with `flightSize` 2768 > `cwnd` 1905, an empty sent queue, 20 chunks
 *    queued forever). aiortc, which werift ports, has the same wedge by another path (aiortc
 *    issue #1438). Repair: before each `transmit()`, an empty sent queue means nothing is in flight,
 *    so the flight size is reset to 0. Every send and every SACK runs `transmit()`.
 */

/** The part of werift's (private) `InboundStream` the repair touches. */
interface InboundStreamLike {
  popMessages(): Generator<unknown, void, unknown>;
}

/** The parts of werift's `SCTP` association the repairs touch (private members, hence loose types). */
interface SctpAssociationLike {
  inboundStreams?: Record<number, InboundStreamLike>;
  getInboundStream?: (streamId: number) => InboundStreamLike;
  transmit?: (...args: unknown[]) => Promise<void>;
  sentQueue?: unknown[];
  flightSize?: number;
}

/** Upper bound on fresh passes per call: each pass that yields removes at least one message. */
const MAX_PASSES = 1 << 20;

const repaired = new WeakSet<object>();

/**
 * Installs both repairs on the current association of `transport` (idempotent; a no-op without
 * one). Call it again whenever werift may have replaced the association (a new DTLS transport):
 * it is cheap.
 */
export function repairSctp(transport: RTCSctpTransport | undefined): void {
  const association = transport?.sctp as unknown as SctpAssociationLike | undefined;
  if (!association || repaired.has(association)) return;
  const getInboundStream = association.getInboundStream;
  const transmit = association.transmit;
  if (typeof getInboundStream !== 'function' || typeof transmit !== 'function') return; // werift changed shape
  repaired.add(association);

  for (const stream of Object.values(association.inboundStreams ?? {})) repairStream(stream);
  association.getInboundStream = function (this: SctpAssociationLike, streamId: number): InboundStreamLike {
    const stream = getInboundStream.call(this, streamId);
    repairStream(stream);
    return stream;
  };

  association.transmit = function (this: SctpAssociationLike, ...args: unknown[]): Promise<void> {
    if (this.sentQueue?.length === 0 && (this.flightSize ?? 0) > 0) this.flightSize = 0;
    return transmit.apply(this, args);
  };
}

/** Whether the repairs are installed on the current association of `transport`. */
export function isSctpRepaired(transport: RTCSctpTransport | undefined): boolean {
  const association = transport?.sctp as object | undefined;
  return association !== undefined && repaired.has(association);
}

function repairStream(stream: InboundStreamLike): void {
  if (repaired.has(stream)) return;
  const popOnce = stream.popMessages;
  if (typeof popOnce !== 'function') return;
  repaired.add(stream);
  stream.popMessages = function* (this: InboundStreamLike): Generator<unknown, void, unknown> {
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      let delivered = 0;
      for (const message of popOnce.call(this)) {
        delivered++;
        yield message;
      }
      if (delivered === 0) return;
    }
  };
}
