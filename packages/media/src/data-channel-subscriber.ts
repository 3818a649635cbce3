import type { RTCDataChannel } from 'werift';
import { PacedChannelSender, type DataChannelMessage } from './paced-channel-sender.js';

export type { DataChannelMessage } from './paced-channel-sender.js';

/** Why a subscriber ended on its own (an explicit `close()` reports nothing). */
export type SubscriberEndReason = 'acktimeout' | 'channelclosed';

export interface DataChannelSubscriberOptions {
  /** Hold delivery until the subscriber's first message (consumed, not forwarded). */
  readonly waitForAck?: boolean | undefined;
  /** How long the acknowledgment may take; then the subscriber ends with `acktimeout`. */
  readonly waitForAckMs: number;
  /** Messages queued for this subscriber beyond this many bytes are skipped (a stalled reader). */
  readonly maxBufferedBytes: number;
}

/** What a subscriber needs from the publication it belongs to (data-channel-relay.ts). */
export interface SubscriberHost {
  /** A message the subscriber sent after its acknowledgment. */
  fromSubscriber(subscriber: DataChannelSubscriber, message: DataChannelMessage): void;
  /** The subscriber closed: forget it. */
  detach(subscriber: DataChannelSubscriber): void;
}

export interface DataChannelSubscriberStats {
  readonly delivered: number;
  /** Messages not delivered: before the acknowledgment, over the queue limit, or a failed send. */
  readonly skipped: number;
}

/**
 * The SFU's end of one subscriber's negotiated channel: what the publication fans out goes here;
 * what the subscriber sends goes back to the publication, which decides (canReply) what to do.
 */
export class DataChannelSubscriber {
  readonly channel: RTCDataChannel;
  readonly #host: SubscriberHost;
  readonly #sender: PacedChannelSender;
  #awaitingAck: boolean;
  #ackTimer: NodeJS.Timeout | undefined;
  readonly #unsubscribe: (() => void)[] = [];
  #skippedBeforeAck = 0;
  #closed = false;
  #finishing: Promise<void> | undefined;
  /** Called once when the subscriber ends on its own (not after `close()`). */
  onended: ((reason: SubscriberEndReason) => void) | undefined;

  constructor(host: SubscriberHost, channel: RTCDataChannel, options: DataChannelSubscriberOptions) {
    this.#host = host;
    this.channel = channel;
    this.#sender = new PacedChannelSender(channel, { maxQueuedBytes: options.maxBufferedBytes });
    this.#awaitingAck = options.waitForAck === true;
    if (this.#awaitingAck) {
      this.#ackTimer = setTimeout(() => this.#end('acktimeout'), options.waitForAckMs);
      this.#ackTimer.unref?.();
    }
    this.#unsubscribe.push(channel.onMessage.subscribe((message) => this.#onMessage(message)).unSubscribe);
    this.#unsubscribe.push(
      channel.stateChange.subscribe((state) => {
        if (state === 'closed') this.#end('channelclosed');
      }).unSubscribe,
    );
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** True until the subscriber's first message arrived (only with `waitForAck`). */
  get awaitingAck(): boolean {
    return this.#awaitingAck;
  }

  stats(): DataChannelSubscriberStats {
    return { delivered: this.#sender.sent, skipped: this.#skippedBeforeAck + this.#sender.dropped };
  }

  /** Queues one fanned-out message (sent in order, paced); false when it was skipped. */
  deliver(message: DataChannelMessage): boolean {
    if (this.#closed) return false;
    if (this.#awaitingAck) {
      this.#skippedBeforeAck++;
      return false;
    }
    return this.#sender.send(message);
  }

  /**
   * Closes once what is queued for this subscriber has reached SCTP (at most `timeoutMs`): how a
   * subscriber ends when its publisher closed the channel after a burst. Nothing new is queued
   * meanwhile; `close()` still ends it at once.
   */
  finish(timeoutMs: number): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#finishing ??= this.#sender.finish(timeoutMs).then(() => this.close());
    return this.#finishing;
  }

  /** Closes the SFU's end of the channel (a stream reset tells the client). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#release();
    this.#host.detach(this);
    if (this.channel.readyState !== 'closed' && this.channel.readyState !== 'closing') {
      try {
        this.channel.close();
      } catch {
        // the association is already gone
      }
    }
  }

  #onMessage(message: DataChannelMessage): void {
    if (this.#closed) return;
    if (this.#awaitingAck) {
      this.#awaitingAck = false; // the acknowledgment: consumed, never forwarded
      if (this.#ackTimer) clearTimeout(this.#ackTimer);
      this.#ackTimer = undefined;
      return;
    }
    this.#host.fromSubscriber(this, message);
  }

  #end(reason: SubscriberEndReason): void {
    if (this.#closed) return;
    const onended = this.onended;
    this.close();
    onended?.(reason);
  }

  #release(): void {
    this.#sender.close();
    if (this.#ackTimer) clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
  }
}
