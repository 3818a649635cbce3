import type { RTCDataChannel } from 'werift';
import {
  DataChannelSubscriber,
  type DataChannelMessage,
  type SubscriberHost,
} from './data-channel-subscriber.js';

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
   * A subscriber whose SCTP send buffer holds more than this is skipped until it drains, so one
   * stalled reader cannot grow the SFU's memory without bound. Default 16 MiB.
   */
  readonly maxBufferedBytes?: number | undefined;
}

export interface DataChannelRelayStats {
  /** Messages received from the publisher. */
  readonly received: number;
  /** Copies sent to subscribers. */
  readonly delivered: number;
  /** Replies passed to the publisher (from the `canReply` subscriber). */
  readonly replies: number;
  /** Subscriber messages dropped: the sender does not hold `canReply`. */
  readonly droppedReplies: number;
}

export const DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

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
  readonly #unsubscribe: (() => void)[] = [];
  #replier: DataChannelSubscriber | undefined;
  #received = 0;
  #delivered = 0;
  #replies = 0;
  #droppedReplies = 0;
  #closed = false;
  /** Called once when the publisher's channel closes on its own (not after `close()`). */
  onended: ((reason: RelayEndReason) => void) | undefined;

  constructor(channel: RTCDataChannel, options: DataChannelRelayOptions = {}) {
    this.channel = channel;
    this.#maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
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
    return { received: this.#received, delivered: this.#delivered, replies: this.#replies, droppedReplies: this.#droppedReplies };
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
    if (this.#closed || subscriber !== this.#replier || this.channel.readyState !== 'open') {
      this.#droppedReplies++;
      return;
    }
    try {
      this.channel.send(message);
      this.#replies++;
    } catch {
      this.#droppedReplies++;
    }
  }

  /** SubscriberHost: a subscriber closed. */
  detach(subscriber: DataChannelSubscriber): void {
    this.#subscribers.delete(subscriber);
    if (this.#replier === subscriber) this.#replier = undefined;
  }

  /** Closes every subscriber and the SFU's end of the publisher's channel. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    for (const subscriber of [...this.#subscribers]) subscriber.close();
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
