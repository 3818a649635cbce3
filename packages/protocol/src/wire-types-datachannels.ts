/**
 * DataChannel and WebSocket-adapter bodies of the Calls API (OpenAPI `components.schemas`
 * `DataChannelObject`, `DataChannelsRequest`, `EstablishDataChannelsTransport*`,
 * `CloseDataChannels*`, `AdapterObject`, `NewAdapter*`, `CloseAdapter*`).
 */

import type { ItemErrorCode } from './errors.js';
import type { DataChannelName, SessionId, TrackName } from './ids.js';
import type { ItemError, SessionDescription, TopLevelError, TrackLocation } from './wire-types.js';

// ---------------------------------------------------------------------------------------------
// DataChannelObject
// ---------------------------------------------------------------------------------------------

/** The reserved channel that `datachannels/establish` pulls to set up the SCTP transport. */
export const SERVER_EVENTS_CHANNEL = 'server-events';

/**
 * `components.schemas.DataChannelObject`, every field optional as in the schema.
 * `maxRetransmits` and `maxPacketLifeTime` are mutually exclusive; omit both for reliable delivery.
 */
export interface DataChannelObject {
  readonly location?: TrackLocation;
  /** Remote channels: the publisher's session. */
  readonly sessionId?: SessionId;
  readonly dataChannelName?: DataChannelName;
  /** Default true. */
  readonly ordered?: boolean;
  /** Integer >= 0; 0 means "no retransmissions". */
  readonly maxRetransmits?: number;
  /** Milliseconds, integer >= 0. */
  readonly maxPacketLifeTime?: number;
  /** Remote only (default false): hold delivery until the subscriber's first message (30 s). */
  readonly waitForAck?: boolean;
  /** Remote only (default false): this subscriber may send back to the publisher. */
  readonly canReply?: boolean;
  /** The negotiated SCTP stream id on THIS session (publisher and subscriber ids differ). */
  readonly id?: number;
}

/** A `datachannels/new` (or `update`) item that publishes a channel from this session. */
export interface LocalDataChannelRequest extends DataChannelObject {
  readonly location: 'local';
  readonly dataChannelName: DataChannelName;
}

/** A `datachannels/new` (or `update`) item that subscribes to `sessionId`'s channel. */
export interface RemoteDataChannelRequest extends DataChannelObject {
  readonly location: 'remote';
  readonly sessionId: SessionId;
  readonly dataChannelName: DataChannelName;
}

export type DataChannelRequest = LocalDataChannelRequest | RemoteDataChannelRequest;

// ---------------------------------------------------------------------------------------------
// POST .../datachannels/establish
// ---------------------------------------------------------------------------------------------

/**
 * `EstablishDataChannelsTransportRequest`: pull `server-events` (required by us) and, optionally,
 * send an offer with an `m=application` section.
 */
export interface EstablishDataChannelsRequest {
  readonly dataChannel: DataChannelObject & { readonly dataChannelName: DataChannelName };
  readonly sessionDescription?: SessionDescription;
}

/** The `server-events` channel in the establish response. */
export interface EstablishedDataChannel extends DataChannelObject {
  readonly dataChannelName: DataChannelName;
  readonly id: number;
}

/** `EstablishDataChannelsTransportResponse` (HTTP 200). */
export interface EstablishDataChannelsResponse extends TopLevelError {
  readonly requiresImmediateRenegotiation: boolean;
  readonly sessionDescription?: SessionDescription;
  readonly dataChannel: EstablishedDataChannel;
}

// ---------------------------------------------------------------------------------------------
// POST .../datachannels/new, PUT .../datachannels/update
// ---------------------------------------------------------------------------------------------

/** `DataChannelsRequest` for `datachannels/new` and `datachannels/update`. */
export interface DataChannelsRequest {
  readonly dataChannels: readonly DataChannelRequest[];
}

/** A result item: the request echoed with the allocated `id`, or an item error (then no `id`). */
export interface DataChannelResult extends DataChannelObject, ItemError {
  readonly dataChannelName: DataChannelName;
}

/** `DataChannelsResponse` (HTTP 200). */
export interface DataChannelsResponse extends TopLevelError {
  readonly dataChannels: readonly DataChannelResult[];
}

// ---------------------------------------------------------------------------------------------
// PUT .../datachannels/close
// ---------------------------------------------------------------------------------------------

/** A `datachannels/close` item: the id allocated on this session (other fields ignored). */
export interface CloseDataChannelRequest extends DataChannelObject {
  readonly id: number;
}

/** `CloseDataChannelsRequest`. */
export interface CloseDataChannelsRequest {
  readonly dataChannels: readonly CloseDataChannelRequest[];
}

/** A `datachannels/close` result item. `close_track_error`: already closed. */
export interface CloseDataChannelResult extends DataChannelObject, ItemError {
  readonly id: number;
}

/** `CloseDataChannelsResponse` (HTTP 200). */
export interface CloseDataChannelsResponse extends TopLevelError {
  readonly dataChannels: readonly CloseDataChannelResult[];
}

// ---------------------------------------------------------------------------------------------
// WebSocket adapters: POST /apps/{appId}/adapters/websocket/{new,close}
// ---------------------------------------------------------------------------------------------

export const ADAPTER_ERROR_CODES = [
  'websocket_localhost_not_allowed',
  'websocket_handshake_failed',
  'websocket_connection_timeout',
  'adapter_not_found',
] as const;
/** Item error codes that only adapters use. */
export type AdapterErrorCode = (typeof ADAPTER_ERROR_CODES)[number];

/** Item error on an adapter result. */
export interface AdapterItemError {
  readonly errorCode?: ItemErrorCode | AdapterErrorCode;
  readonly errorDescription?: string;
}

/** Ingest: a WebSocket endpoint publishes PCM audio as a new track. */
export interface LocalAdapterRequest {
  readonly location: 'local';
  readonly trackName: TrackName;
  /** `ws://` or `wss://`. */
  readonly endpoint: string;
  readonly inputCodec: 'pcm';
  /** Ignored: the mode follows `location`. */
  readonly mode?: 'stream' | 'buffer';
}

/** Egress: an existing track is streamed to a WebSocket endpoint. */
export interface RemoteAdapterRequest {
  readonly location: 'remote';
  readonly sessionId: SessionId;
  readonly trackName: TrackName;
  readonly endpoint: string;
  readonly outputCodec: 'pcm' | 'jpeg';
  readonly mode?: 'stream' | 'buffer';
}

export type AdapterRequest = LocalAdapterRequest | RemoteAdapterRequest;

/** `NewAdapterRequest`: one to four items. */
export interface NewAdapterRequest {
  readonly tracks: readonly AdapterRequest[];
}

/** A `websocket/new` result item. */
export interface AdapterResult extends AdapterItemError {
  readonly trackName: TrackName;
  readonly adapterId?: string;
  /** Present for ingest: the new publishing session. */
  readonly sessionId?: SessionId;
  readonly endpoint?: string;
  readonly location?: TrackLocation;
  readonly inputCodec?: 'pcm';
  readonly outputCodec?: 'pcm' | 'jpeg';
  readonly mode?: 'stream' | 'buffer';
}

/** `NewAdapterResponse` (HTTP 200 if any item succeeded, 503 if all failed). */
export interface NewAdapterResponse extends TopLevelError {
  readonly tracks: readonly AdapterResult[];
}

/** `CloseAdapterRequest`: one to four adapter ids. */
export interface CloseAdapterRequest {
  readonly tracks: readonly { readonly adapterId: string }[];
}

/** A `websocket/close` result item; `bytesProcessed` is omitted when unknown. */
export interface CloseAdapterResult extends AdapterItemError {
  readonly adapterId: string;
  readonly bytesProcessed?: number;
}

/** `CloseAdapterResponse` (HTTP 200 if any item succeeded, 503 if all failed). */
export interface CloseAdapterResponse extends TopLevelError {
  readonly tracks: readonly CloseAdapterResult[];
}
