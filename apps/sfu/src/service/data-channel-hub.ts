import { SfuError } from '@opencalls/protocol';
import { SUBSCRIBER_FINISH_MS, type DataChannelRelay, type DataChannelSubscriber } from '@opencalls/media';
import {
  MAX_DATA_CHANNEL_ID,
  SERVER_EVENTS_CHANNEL,
  SERVER_EVENTS_CHANNEL_ID,
  type DataChannelCloseReason,
  type DataChannelRecord,
  type Session,
  type SessionRegistry,
} from '@opencalls/session';
import type { Logger } from 'pino';
import type { RTCDataChannel } from 'werift';
import type { CallSession } from './call-session.js';

export interface DataChannelHubOptions {
  readonly registry: SessionRegistry;
  /** The live CallSession of a session id, if any. */
  readonly findCall: (sessionId: string) => CallSession | undefined;
  readonly logger: Logger;
}

interface SubscribedChannel {
  readonly subscriber: DataChannelSubscriber;
  readonly relay: DataChannelRelay;
}

/** The DataChannel media of one session, by the ids allocated on that session. */
interface SessionChannels {
  readonly published: Map<number, DataChannelRelay>;
  readonly subscribed: Map<number, SubscribedChannel>;
  /** The SFU's end of `server-events` (the SFU sends nothing on it yet). */
  serverEvents: { readonly id: number; readonly channel: RTCDataChannel } | undefined;
}

/**
 * The DataChannel media of every session (relays of published channels, subscribers of pulled
 * ones, the `server-events` channel) and its cascade. The session's records are the truth: when
 * one becomes inactive (datachannels/close, the publisher's channel ended → `sourceclosed`, the
 * session closed) the hub closes its media; when the media ends on its own (the client closed
 * its channel, a `waitForAck` deadline passed) the hub marks the record inactive, which cascades
 * in turn. The operations (`ops/datachannels-*.ts`) create the media and register it here.
 */
export class DataChannelHub {
  readonly #findCall: (sessionId: string) => CallSession | undefined;
  readonly #logger: Logger;
  readonly #sessions = new Map<string, SessionChannels>();
  /** Which session and id a subscriber belongs to (for canReply hand-overs). */
  readonly #owners = new WeakMap<DataChannelSubscriber, { readonly session: Session; readonly id: number }>();
  #closed = false;

  constructor(options: DataChannelHubOptions) {
    this.#findCall = options.findCall;
    this.#logger = options.logger;
    options.registry.on('sessioncreated', (session) => this.#watch(session));
  }

  /** The relay of a live published channel (`record`, a local channel of `publisher`). */
  findRelay(publisher: Session | undefined, record: DataChannelRecord | undefined): DataChannelRelay | undefined {
    if (!publisher || !record || record.location !== 'local' || record.status === 'inactive') return undefined;
    const relay = this.#sessions.get(publisher.id)?.published.get(record.id);
    return relay && !relay.closed ? relay : undefined;
  }

  /** The subscriber behind this session's remote channel `id`, with its relay. */
  findSubscribed(session: Session, id: number): SubscribedChannel | undefined {
    const entry = this.#sessions.get(session.id)?.subscribed.get(id);
    return entry && !entry.subscriber.closed ? entry : undefined;
  }

  /**
   * An explicit SCTP stream id for the next channel when the client opened channels of its own
   * (DCEP, e.g. the legacy `createDataChannel("server-events")`) on ids this session never
   * allocated; undefined lets the session allocate as usual.
   */
  channelIdHint(call: CallSession): number | undefined {
    const session = call.session;
    const busy = call.peer.dataChannels.busyIds();
    if (!busy.some((id) => session.getDataChannel(id) === undefined)) return undefined;
    const used = new Set<number>([...session.dataChannels().map((c) => c.id), ...busy]);
    const next = Math.max(...used) + 1;
    if (next <= MAX_DATA_CHANNEL_ID) return next;
    for (let id = 1; id <= MAX_DATA_CHANNEL_ID; id++) if (!used.has(id)) return id;
    return undefined;
  }

  /**
   * `datachannels/establish` without a client offer: the SFU's negotiated `server-events` channel
   * on stream 0, which also creates the SCTP transport (the `m=application` of the next offer).
   */
  openServerEvents(call: CallSession): DataChannelRecord {
    const channel = call.peer.dataChannels.createNegotiated(SERVER_EVENTS_CHANNEL, { id: SERVER_EVENTS_CHANNEL_ID });
    return this.#recordServerEvents(call, channel);
  }

  /**
   * Records `server-events` (stream 0) once this session's PeerConnection has a negotiated SCTP
   * transport that came from a client offer (legacy `sessions/new`, `tracks/new`, establish with
   * an offer). Returns the record (also an existing or closed one), or undefined when there is no
   * negotiated transport or the client uses stream 0 for another channel.
   */
  ensureServerEvents(call: CallSession): DataChannelRecord | undefined {
    const session = call.session;
    if (session.closed || !call.hasPeer) return undefined;
    const existing = session.findDataChannel('remote', SERVER_EVENTS_CHANNEL);
    if (existing) return existing;
    const dataChannels = call.peer.dataChannels;
    if (dataChannels.state !== 'negotiated' || session.getDataChannel(SERVER_EVENTS_CHANNEL_ID)) return undefined;
    const opened = dataChannels.channel(SERVER_EVENTS_CHANNEL_ID);
    if (opened && opened.label !== SERVER_EVENTS_CHANNEL) return undefined;
    const channel = opened ?? dataChannels.createNegotiated(SERVER_EVENTS_CHANNEL, { id: SERVER_EVENTS_CHANNEL_ID });
    return this.#recordServerEvents(call, channel);
  }

  /** A published channel's relay; its end (the client closed the channel) closes the record. */
  addPublished(call: CallSession, id: number, relay: DataChannelRelay): void {
    const session = call.session;
    this.#channels(session.id).published.set(id, relay);
    relay.onended = (reason): void => {
      this.#logger.info({ sessionId: session.id, dataChannelId: id, reason }, 'published data channel ended');
      this.#closeRecord(session, id);
    };
  }

  /** A subscriber; its end (acknowledgment deadline, the client closed it) closes the record. */
  addSubscribed(call: CallSession, id: number, subscriber: DataChannelSubscriber, relay: DataChannelRelay): void {
    const session = call.session;
    this.#channels(session.id).subscribed.set(id, { subscriber, relay });
    this.#owners.set(subscriber, { session, id });
    subscriber.onended = (reason): void => {
      this.#logger.info({ sessionId: session.id, dataChannelId: id, reason }, 'data channel subscription ended');
      this.#closeRecord(session, id);
    };
  }

  /**
   * Grants or revokes `canReply` on this session's subscription `id` and records it. A grant takes
   * it from the subscriber that held it (its record says `canReply: false` afterwards).
   */
  setCanReply(session: Session, id: number, canReply: boolean): DataChannelRecord {
    const entry = this.findSubscribed(session, id);
    if (!entry) throw new SfuError('internal_error', `Data channel ${id} of session ${session.id} has no subscriber`);
    const previous = entry.relay.setCanReply(entry.subscriber, canReply);
    const owner = previous ? this.#owners.get(previous) : undefined;
    if (owner && !owner.session.closed) owner.session.updateDataChannel(owner.id, { canReply: false });
    const updated = session.updateDataChannel(id, { canReply });
    if (!updated) throw new SfuError('internal_error', `Data channel ${id} of session ${session.id} is closed`);
    return updated;
  }

  /** Closes every relay and subscriber (the sessions close their PeerConnections themselves). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const sessionId of [...this.#sessions.keys()]) this.#forget(sessionId);
  }

  #watch(session: Session): void {
    session.on('datachannelclosed', (record, reason) => this.#onRecordClosed(session, record, reason));
    session.on('connectionstatechange', (state) => {
      if (state !== 'connected') return;
      const call = this.#findCall(session.id);
      if (!call) return;
      try {
        this.ensureServerEvents(call);
      } catch (error) {
        this.#logger.warn({ sessionId: session.id, err: error }, 'could not record server-events');
      }
    });
    session.once('close', () => this.#forget(session.id));
  }

  #recordServerEvents(call: CallSession, channel: RTCDataChannel): DataChannelRecord {
    const session = call.session;
    const added = session.addDataChannel({
      location: 'remote',
      dataChannelName: SERVER_EVENTS_CHANNEL,
      id: channel.id,
      status: channel.readyState === 'open' ? 'active' : 'initializing',
    });
    if (!added.ok) {
      if (!channel.isCreatedByRemote) channel.close();
      throw new SfuError('internal_error', `Could not record ${SERVER_EVENTS_CHANNEL}: ${added.errorDescription}`);
    }
    const id = added.value.id;
    this.#channels(session.id).serverEvents = { id, channel };
    const { unSubscribe } = channel.stateChange.subscribe((state) => {
      if (session.closed) return unSubscribe();
      if (state === 'open' && session.getDataChannel(id)?.status === 'initializing') {
        session.updateDataChannel(id, { status: 'active' });
      } else if (state === 'closed') {
        unSubscribe();
        this.#closeRecord(session, id);
      }
    });
    return added.value;
  }

  #closeRecord(session: Session, id: number): void {
    if (session.closed || session.getDataChannel(id)?.status === 'inactive') return;
    session.closeDataChannel(id, 'requested');
  }

  /** A record became inactive: stop its media (idempotent closes). */
  #onRecordClosed(session: Session, record: DataChannelRecord, reason: DataChannelCloseReason): void {
    const channels = this.#sessions.get(session.id);
    if (!channels) return;
    if (record.location === 'local') {
      const relay = channels.published.get(record.id);
      channels.published.delete(record.id);
      relay?.close();
      return;
    }
    const entry = channels.subscribed.get(record.id);
    if (entry) {
      channels.subscribed.delete(record.id);
      // The publication ended: deliver what its publisher sent before, then close.
      if (reason === 'sourceclosed') void entry.subscriber.finish(SUBSCRIBER_FINISH_MS);
      else entry.subscriber.close();
      return;
    }
    if (channels.serverEvents?.id === record.id) {
      const { channel } = channels.serverEvents;
      channels.serverEvents = undefined;
      if (channel.readyState === 'open' || channel.readyState === 'connecting') channel.close();
    }
  }

  #channels(sessionId: string): SessionChannels {
    let channels = this.#sessions.get(sessionId);
    if (!channels) {
      channels = { published: new Map(), subscribed: new Map(), serverEvents: undefined };
      this.#sessions.set(sessionId, channels);
    }
    return channels;
  }

  #forget(sessionId: string): void {
    const channels = this.#sessions.get(sessionId);
    if (!channels) return;
    this.#sessions.delete(sessionId);
    for (const relay of channels.published.values()) relay.close();
    for (const { subscriber } of channels.subscribed.values()) subscriber.close();
  }
}
