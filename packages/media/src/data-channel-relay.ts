import type { RTCDataChannel } from 'werift';
import { DataChannelSubscriber, type SubscriberHost } from './data-channel-subscriber.js';
import { DEFAULT_MAX_QUEUED_BYTES, PacedChannelSender, type DataChannelMessage } from './paced-channel-sender.js';

/** Why a relay ended on its own: the publisher's channel closed (an explicit `close()` reports nothing). */
export type RelayEndReason = 'channelclosed';

export interface SubscribeOptions {
  /** Hold delivery until the subscriber's first message, which is consumed. */
  readonly waitForAck?: boolean | undefined;
  /** Deadline for that first message (Calls: 30 s); then the subscriber ends with `acktimeout`. */
  readonly waitForAckMs: number;
}

export interface DataChannelRelayOptions {
  /**
   * Bytes the SFU queues for one reader (a subscriber, or the publisher for replies); beyond it
   * messages are skipped, so a stalled reader cannot grow the SFU's memory without bound.
   * Default 16 MiB.
   */
  readonly maxBufferedBytes?: number | undefined;
}

export interface DataChannelRelayStats {
  /** Messages received from the publisher. */
  readonly received: number;
  /** Copies accepted for subscribers (queued and sent in order; see PacedChannelSender). */
  readonly delivered: number;
  /** Replies passed to the publisher (from the `canReply` subscriber). */
  readonly replies: number;
  /** Subscriber messages dropped: the sender does not hold `canReply`. */
  readonly droppedReplies: number;
}

export const DEFAULT_MAX_BUFFERED_BYTES = DEFAULT_MAX_QUEUED_BYTES;

/** How long subscribers may take to receive what a departed publisher sent before they close. */
export const SUBSCRIBER_FINISH_MS = 10_000;

/**
 * One published DataChannel: the SFU's end of the publisher's negotiated channel, and the
 * subscribers it fans out to (calls-api.md §3.7).
 * - Every message of the publisher goes to every subscriber, text as text and binary as binary,
 *   in the publisher's order (each subscriber channel is its own SCTP stream).
 * - A subscriber with `waitForAck` receives nothing until its first message (consumed here).
 * - At most one subscriber holds `canReply`; its messages go to the publisher only. Messages from
 *   the other subscribers are dropped.
 */
export class DataChannelRelay implements SubscriberHost {
  readonly channel: RTCDataChannel;
  readonly #subscribers = new Set<DataChannelSubscriber>();
  readonly #maxBufferedBytes: number;
  /** Replies to the publisher, paced like every other send. */
  readonly #replies: PacedChannelSender;
  readonly #unsubscribe: (() => void)[] = [];
  #replier: DataChannelSubscriber | undefined;
  #received = 0;
  #delivered = 0;
  #droppedReplies = 0;
  #closed = false;
  /** Called once when the publisher's channel closes on its own (not after `close()`). */
  onended: ((reason: RelayEndReason) => void) | undefined;

  constructor(channel: RTCDataChannel, options: DataChannelRelayOptions = {}) {
    this.channel = channel;
    this.#maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.#replies = new PacedChannelSender(channel, { maxQueuedBytes: this.#maxBufferedBytes });
    this.#unsubscribe.push(channel.onMessage.subscribe((message) => this.#fanOut(message)).unSubscribe);
    this.#unsubscribe.push(
      channel.stateChange.subscribe((state) => {
        if (state !== 'closed' || this.#closed) return;
        const onended = this.onended;
        this.close();
        onended?.('channelclosed');
      }).unSubscribe,
    );
  }

  get closed(): boolean {
    return this.#closed;
  }

  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  /** The subscriber holding `canReply`, if any. */
  get replier(): DataChannelSubscriber | undefined {
    return this.#replier;
  }

  stats(): DataChannelRelayStats {
    return {
      received: this.#received,
      delivered: this.#delivered,
      replies: this.#replies.sent,
      droppedReplies: this.#droppedReplies + this.#replies.dropped,
    };
  }

  /** Adds a subscriber on `channel` (the SFU's end of the subscriber's negotiated channel). */
  subscribe(channel: RTCDataChannel, options: SubscribeOptions): DataChannelSubscriber {
    if (this.#closed) throw new Error('DataChannelRelay.subscribe(): the relay is closed');
    const subscriber = new DataChannelSubscriber(this, channel, {
      waitForAck: options.waitForAck,
      waitForAckMs: options.waitForAckMs,
      maxBufferedBytes: this.#maxBufferedBytes,
    });
    this.#subscribers.add(subscriber);
    return subscriber;
  }

  /**
   * Grants `canReply` to `subscriber` (the previous holder loses it and is returned, as the
   * official schema says: "granting canReply to another subscriber replaces the previous
   * selection"), or revokes it from `subscriber`. Returns the subscriber that lost it, if another.
   */
  setCanReply(subscriber: DataChannelSubscriber, canReply: boolean): DataChannelSubscriber | undefined {
    if (!this.#subscribers.has(subscriber)) return undefined;
    if (!canReply) {
      if (this.#replier === subscriber) this.#replier = undefined;
      return undefined;
    }
    const previous = this.#replier;
    this.#replier = subscriber;
    return previous !== undefined && previous !== subscriber ? previous : undefined;
  }

  /** SubscriberHost: a subscriber's message after its acknowledgment. */
  fromSubscriber(subscriber: DataChannelSubscriber, message: DataChannelMessage): void {
    if (this.#closed || subscriber !== this.#replier) {
      this.#droppedReplies++;
      return;
    }
    this.#replies.send(message);
  }

  /** SubscriberHost: a subscriber closed. */
  detach(subscriber: DataChannelSubscriber): void {
    this.#subscribers.delete(subscriber);
    if (this.#replier === subscriber) this.#replier = undefined;
  }

  /**
   * Closes the SFU's end of the publisher's channel and ends every subscriber once it has what
   * the publisher sent before (`DataChannelSubscriber.finish`; closing a subscriber itself is
   * immediate). Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.#replies.close();
    for (const subscriber of [...this.#subscribers]) void subscriber.finish(SUBSCRIBER_FINISH_MS);
    this.#subscribers.clear();
    this.#replier = undefined;
    if (this.channel.readyState !== 'closed' && this.channel.readyState !== 'closing') {
      try {
        this.channel.close();
      } catch {
        // the association is already gone
      }
    }
  }

  #fanOut(message: DataChannelMessage): void {
    if (this.#closed) return;
    this.#received++;
    for (const subscriber of this.#subscribers) {
      if (subscriber.deliver(message)) this.#delivered++;
    }
  }
}
