/**
 * Request and response bodies of the Cloudflare Calls (Realtime SFU) HTTPS API, as they travel on
 * the wire. Derived from Cloudflare's OpenAPI schema (`test/fixtures/calls-openapi.yaml`,
 * `components.schemas`) plus the legacy spellings that real clients still send
 * (reference: calls-api.md §3).
 *
 * Request types describe what our validators ACCEPT (after unknown fields were dropped), so a few
 * fields the schema leaves optional are required here where the operation cannot work without them
 * (for example `location` and `trackName` on a `tracks/new` item); each such case is marked
 * "required by us". Response types describe what we SEND.
 *
 * DataChannel and adapter bodies live in `wire-types-datachannels.ts`.
 */

import type { ItemErrorCode, TopLevelErrorCode } from './errors.js';
import type { Mid, SessionId, TrackName } from './ids.js';

// ---------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------

export const SDP_TYPES = ['offer', 'answer'] as const;
/** `SessionDescription.type`. Calls has no `pranswer`/`rollback`. */
export type SdpType = (typeof SDP_TYPES)[number];

/** `components.schemas.SessionDescription`. Both fields are required by us. */
export interface SessionDescription {
  readonly sdp: string;
  readonly type: SdpType;
}

export const TRACK_LOCATIONS = ['local', 'remote'] as const;
/** `local`: push (publish) from this session. `remote`: pull (subscribe) from `sessionId`. */
export type TrackLocation = (typeof TRACK_LOCATIONS)[number];

export const TRACK_KINDS = ['audio', 'video'] as const;
/** `TrackObject.kind`: a hint, required when the SFU generates the offer. */
export type TrackKind = (typeof TRACK_KINDS)[number];

/** The fields every response may carry when the request as a whole failed. */
export interface TopLevelError {
  readonly errorCode?: TopLevelErrorCode;
  readonly errorDescription?: string;
}

/** The fields a batch item carries when that item failed (the HTTP status stays 200). */
export interface ItemError {
  readonly errorCode?: ItemErrorCode;
  readonly errorDescription?: string;
}

/** A body that is only an error: `{errorCode, errorDescription}` (`AdapterRequestError` in the schema). */
export interface ErrorResponse {
  readonly errorCode: TopLevelErrorCode;
  readonly errorDescription: string;
}

// ---------------------------------------------------------------------------------------------
// Simulcast
// ---------------------------------------------------------------------------------------------

export const SIMULCAST_PRIORITY_ORDERINGS = ['none', 'asciibetical'] as const;
/** `simulcast.priorityOrdering` and `simulcast.ridNotAvailable` (default `none`). */
export type SimulcastOrdering = (typeof SIMULCAST_PRIORITY_ORDERINGS)[number];

export const SIMULCAST_FALLBACK_STRATEGIES = ['auto', 'leastBandwidth', 'none'] as const;
/** Legacy `simulcast.fallbackStrategy` of the older schema (default `auto`). */
export type SimulcastFallbackStrategy = (typeof SIMULCAST_FALLBACK_STRATEGIES)[number];

/**
 * `TrackObject.simulcast`. Current spelling: `preferredRid` + `priorityOrdering` + `ridNotAvailable`.
 * Older spellings are accepted too (calls-api.md §3): `fallbackStrategy` (OAS-calls) and
 * `ridUnavailableStrategy` (before docs PR #21690; its values were never published, so any string).
 */
export interface TrackSimulcast {
  /** May be `""`: "no preference" (orange). */
  readonly preferredRid?: string;
  readonly priorityOrdering?: SimulcastOrdering;
  readonly ridNotAvailable?: SimulcastOrdering;
  /** Legacy. */
  readonly fallbackStrategy?: SimulcastFallbackStrategy;
  /** Legacy. */
  readonly ridUnavailableStrategy?: string;
}

// ---------------------------------------------------------------------------------------------
// TrackObject
// ---------------------------------------------------------------------------------------------

/**
 * `components.schemas.TrackObject`, every field optional as in the schema. Used in responses
 * and as the common base of the request item types below.
 */
export interface TrackObject {
  readonly location?: TrackLocation;
  /** May be `"#<trackName>"` in requests (see `midTrackReference`). */
  readonly mid?: Mid;
  /** Remote tracks: the publisher's session. */
  readonly sessionId?: SessionId;
  readonly trackName?: TrackName;
  /** "works only when the SFU generates the offer" */
  readonly bidirectionalMediaStream?: boolean;
  readonly kind?: TrackKind;
  readonly simulcast?: TrackSimulcast;
}

/** A `tracks/new` item that pushes (publishes) a track from this session. */
export interface LocalTrackRequest extends TrackObject {
  readonly location: 'local';
  /** Required by us. */
  readonly trackName: TrackName;
}

/** A `tracks/new` item that pulls (subscribes to) a track published by `sessionId`. */
export interface RemoteTrackRequest extends TrackObject {
  readonly location: 'remote';
  /** Required by us: the publisher's session. */
  readonly sessionId: SessionId;
  /** Required by us. */
  readonly trackName: TrackName;
}

/** One `tracks/new` item; `location` tells which. */
export type TrackRequest = LocalTrackRequest | RemoteTrackRequest;

// ---------------------------------------------------------------------------------------------
// POST /apps/{appId}/sessions/new
// ---------------------------------------------------------------------------------------------

/**
 * `NewSessionRequest`: the legacy body. The current style sends no body at all (then the parsed
 * value is `{}`); the legacy style sends the client's offer and gets the answer back.
 */
export interface NewSessionRequest {
  readonly sessionDescription?: SessionDescription;
}

/** Query parameters of `sessions/new` (every other parameter is ignored). */
export interface NewSessionQuery {
  /** `?thirdparty=true`: the peer is ICE-lite (a third-party SFU/server such as OpenAI's). */
  readonly thirdparty: boolean;
  /** A diagnostic label; not an idempotency key. */
  readonly correlationId?: string;
}

/** `NewSessionResponse` (HTTP 201). `sessionDescription` is the answer to a legacy-style offer. */
export interface NewSessionResponse extends TopLevelError {
  readonly sessionId: SessionId;
  readonly sessionDescription?: SessionDescription;
}

// ---------------------------------------------------------------------------------------------
// POST /apps/{appId}/sessions/{sessionId}/tracks/new
// ---------------------------------------------------------------------------------------------

/**
 * `TracksRequest`. All items of one call share one `location` (checked by the validator).
 * At least one of `tracks`, `autoDiscover: true` or `sessionDescription` is present.
 */
export interface TracksRequest {
  readonly sessionDescription?: SessionDescription;
  readonly tracks?: readonly TrackRequest[];
  /** Give every new media section of the offer a random track name. */
  readonly autoDiscover?: boolean;
}

/**
 * A result item: the request item echoed (local: `trackName` + `mid`; remote: `sessionId` +
 * `trackName` + the subscriber-side `mid`), or a failure with `mid: ""` and an item error.
 */
export interface TrackResult extends TrackObject, ItemError {
  readonly trackName: TrackName;
  readonly mid: Mid;
}

/** `TracksResponse` (HTTP 200). `requiresImmediateRenegotiation` is true iff we sent an offer. */
export interface TracksResponse extends TopLevelError {
  readonly requiresImmediateRenegotiation: boolean;
  readonly sessionDescription?: SessionDescription;
  readonly tracks: readonly TrackResult[];
}

// ---------------------------------------------------------------------------------------------
// PUT /apps/{appId}/sessions/{sessionId}/renegotiate
// ---------------------------------------------------------------------------------------------

/** `RenegotiateRequest`: normally the client's answer to our offer. Required by us. */
export interface RenegotiateRequest {
  readonly sessionDescription: SessionDescription;
}

/** `RenegotiateResponse` (HTTP 200): `{}` on success. */
export interface RenegotiateResponse extends TopLevelError {
  readonly sessionDescription?: SessionDescription;
}

// ---------------------------------------------------------------------------------------------
// PUT /apps/{appId}/sessions/{sessionId}/tracks/update
// ---------------------------------------------------------------------------------------------

/** A `tracks/update` item: names the transceiver on THIS session by `mid` (required by us). */
export interface UpdateTrackRequest extends TrackObject {
  readonly mid: Mid;
}

/** `UpdateTracksRequest`. */
export interface UpdateTracksRequest {
  readonly tracks: readonly UpdateTrackRequest[];
  readonly sessionDescription?: SessionDescription;
}

/** A `tracks/update` result item. */
export interface UpdateTrackResult extends TrackObject, ItemError {
  readonly mid: Mid;
}

/** `UpdateTracksResponse` (HTTP 200). */
export interface UpdateTracksResponse extends TopLevelError {
  readonly requiresImmediateRenegotiation: boolean;
  readonly tracks: readonly UpdateTrackResult[];
}

// ---------------------------------------------------------------------------------------------
// PUT /apps/{appId}/sessions/{sessionId}/tracks/close
// ---------------------------------------------------------------------------------------------

/** `CloseTrackObject`: the mid on the session in the URL (non-empty). */
export interface CloseTrackObject {
  readonly mid: Mid;
}

/**
 * `CloseTracksRequest`. The schema requires `force`; we accept its absence and read it as `false`
 * (older schemas had it optional). With `force` false a `sessionDescription` (the client's offer)
 * is required.
 */
export interface CloseTracksRequest {
  readonly tracks: readonly CloseTrackObject[];
  readonly force?: boolean;
  readonly sessionDescription?: SessionDescription;
}

/** A `tracks/close` result item. `close_track_error`: absent or already closed. */
export interface CloseTrackResult extends CloseTrackObject, ItemError {}

/** `CloseTracksResponse` (HTTP 200). `requiresImmediateRenegotiation` is always false. */
export interface CloseTracksResponse extends TopLevelError {
  readonly requiresImmediateRenegotiation: boolean;
  /** Our answer when `force` was false; absent when `force` was true. */
  readonly sessionDescription?: SessionDescription;
  readonly tracks: readonly CloseTrackResult[];
}

// ---------------------------------------------------------------------------------------------
// GET /apps/{appId}/sessions/{sessionId}
// ---------------------------------------------------------------------------------------------

export const SESSION_RESOURCE_STATUSES = ['active', 'inactive', 'initializing', 'waiting'] as const;
/**
 * `SessionResourceStatus`. Current schema: `active | inactive | initializing` (the last for
 * DataChannels still connecting). `waiting` is the older schemas' value; accepted, not sent.
 */
export type SessionResourceStatus = (typeof SESSION_RESOURCE_STATUSES)[number];

/** A track in `GET session`. */
export interface SessionTrackState extends TrackObject {
  readonly location: TrackLocation;
  readonly mid: Mid;
  readonly trackName: TrackName;
  readonly status: SessionResourceStatus;
}

/** `SessionDataChannelState`. */
export interface SessionDataChannelState {
  readonly location: TrackLocation;
  /** Remote channels: the publisher's session. */
  readonly sessionId?: SessionId;
  readonly dataChannelName: string;
  /** The channel id on the inspected session. */
  readonly id: number;
  readonly status: SessionResourceStatus;
}

/** `GetSessionStateResponse` (HTTP 200). No SDP, no history. */
export interface GetSessionStateResponse extends TopLevelError {
  readonly tracks: readonly SessionTrackState[];
  readonly dataChannels: readonly SessionDataChannelState[];
}

// ---------------------------------------------------------------------------------------------
// POST /v1/turn/keys/{turnKeyId}/credentials/generate-ice-servers (not in the SFU schema)
// ---------------------------------------------------------------------------------------------

/** Body of `generate-ice-servers`: credential lifetime in seconds. */
export interface GenerateIceServersRequest {
  readonly ttl?: number;
}

/** One entry of `iceServers` (the `RTCIceServer` shape). */
export interface IceServer {
  readonly urls: string | readonly string[];
  readonly username?: string;
  readonly credential?: string;
}

/** Response of `generate-ice-servers` (HTTP 201). */
export interface GenerateIceServersResponse {
  readonly iceServers: readonly IceServer[];
}
