/**
 * Request validators, one per Calls operation: `parseXxxRequest(body: unknown): ParseResult<T>`.
 *
 * `body` is what `parseJsonBody` produced: `undefined` for an empty HTTP body (read as `{}`), or
 * any JSON value. Like the real service these are LENIENT (calls-api.md §1, §9):
 * - unknown fields are ignored (stripped from the value; never an error);
 * - a property whose value is `null` counts as absent;
 * - optional fields stay optional; legacy spellings (`fallbackStrategy`, `ridUnavailableStrategy`)
 *   are accepted.
 *
 * They are strict where a request cannot work otherwise, and every rejection carries a Calls code
 * (see validation-issues.ts for the rule): wrong JSON types → `decoding_error`; bad values, missing
 * required values, forbidden combinations → `invalid_params`. Decisions beyond the schema:
 * - `tracks/new`: every item needs `location` and `trackName`, remote items a `sessionId`; all
 *   items of one call must share one `location` (the docs' rule: a client offer cannot also
 *   carry the new receive sections a pull needs, so a mixed batch has no consistent negotiation);
 *   `"#"` alone is not a mid; the call must carry tracks, or `autoDiscover` with an offer, or an
 *   offer. The 64-tracks-per-call limit is NOT checked here (it is configurable: see limits.ts).
 * - `tracks/close`: `force` may be absent (read as false); without `force: true` the client's
 *   offer (`sessionDescription`) is required.
 * - `renegotiate` needs `sessionDescription`; `tracks/update` items need `mid`.
 * - `datachannels/establish` only pulls `server-events`; `maxRetransmits` and
 *   `maxPacketLifeTime` are mutually exclusive.
 * Whether an SDP `type` fits the negotiation state is the session layer's call
 * (`invalid_session_description`), not this file's.
 */

import { z } from 'zod';
import type { ParseResult } from './parse-result.js';
import {
  addIssue,
  dataChannelNameSchema,
  midSchema,
  nonEmptyString,
  nonNegativeInt,
  parseWith,
  sdpTypeSchema,
  sessionIdSchema,
  simulcastShape,
  trackKindSchema,
  trackLocationSchema,
  trackNameSchema,
  branded,
} from './schema-parts.js';
import type { DataChannelName } from './ids.js';
import { MID_TRACK_REFERENCE_PREFIX } from './ids.js';
import type {
  CloseTracksRequest,
  GenerateIceServersRequest,
  NewSessionQuery,
  NewSessionRequest,
  RenegotiateRequest,
  TracksRequest,
  UpdateTracksRequest,
} from './wire-types.js';
import type {
  CloseAdapterRequest,
  CloseDataChannelsRequest,
  DataChannelsRequest,
  EstablishDataChannelsRequest,
  NewAdapterRequest,
} from './wire-types-datachannels.js';
import { SERVER_EVENTS_CHANNEL } from './wire-types-datachannels.js';

const REQUEST = { lenientRequest: true, rootLabel: 'request body' } as const;

// ---------------------------------------------------------------------------------------------
// Pieces
// ---------------------------------------------------------------------------------------------

const sessionDescription = z.object({ sdp: z.string(), type: sdpTypeSchema });

const simulcast = z.object(simulcastShape);

/** `TrackObject` fields, all optional. */
const trackFields = {
  location: trackLocationSchema.optional(),
  mid: midSchema.optional(),
  sessionId: sessionIdSchema.optional(),
  trackName: trackNameSchema.optional(),
  bidirectionalMediaStream: z.boolean().optional(),
  kind: trackKindSchema.optional(),
  simulcast: simulcast.optional(),
};

const localTrack = z.object({ ...trackFields, location: z.literal('local'), trackName: trackNameSchema });
const remoteTrack = z.object({
  ...trackFields,
  location: z.literal('remote'),
  sessionId: sessionIdSchema,
  trackName: trackNameSchema,
});
const trackRequest = z.discriminatedUnion('location', [localTrack, remoteTrack]);

/** `"#"` alone names no track. */
function checkMidReference(ctx: z.RefinementCtx, mid: string | undefined, path: readonly PropertyKey[]): void {
  if (mid === MID_TRACK_REFERENCE_PREFIX) {
    addIssue(ctx, path, `"${MID_TRACK_REFERENCE_PREFIX}" must be followed by a track name`);
  }
}

/** `DataChannelObject` fields, all optional. */
const dataChannelFields = {
  location: trackLocationSchema.optional(),
  sessionId: sessionIdSchema.optional(),
  dataChannelName: dataChannelNameSchema.optional(),
  ordered: z.boolean().optional(),
  maxRetransmits: nonNegativeInt.optional(),
  maxPacketLifeTime: nonNegativeInt.optional(),
  waitForAck: z.boolean().optional(),
  canReply: z.boolean().optional(),
  id: nonNegativeInt.optional(),
};

function checkRetransmitPolicy(
  ctx: z.RefinementCtx,
  channel: { readonly maxRetransmits?: number | undefined; readonly maxPacketLifeTime?: number | undefined },
  path: readonly PropertyKey[],
): void {
  if (channel.maxRetransmits !== undefined && channel.maxPacketLifeTime !== undefined) {
    addIssue(ctx, path, 'maxRetransmits and maxPacketLifeTime are mutually exclusive');
  }
}

const localDataChannel = z.object({
  ...dataChannelFields,
  location: z.literal('local'),
  dataChannelName: dataChannelNameSchema,
});
const remoteDataChannel = z.object({
  ...dataChannelFields,
  location: z.literal('remote'),
  sessionId: sessionIdSchema,
  dataChannelName: dataChannelNameSchema,
});
const dataChannelRequest = z.discriminatedUnion('location', [localDataChannel, remoteDataChannel]);

// ---------------------------------------------------------------------------------------------
// sessions/new
// ---------------------------------------------------------------------------------------------

const newSessionRequest = z.object({ sessionDescription: sessionDescription.optional() });

/** `POST /apps/{appId}/sessions/new`: no body (→ `{}`), or the legacy `{sessionDescription}`. */
export function parseNewSessionRequest(body: unknown): ParseResult<NewSessionRequest> {
  return parseWith(newSessionRequest, body, REQUEST);
}

/**
 * Query of `sessions/new`. Never fails: unknown parameters are ignored. `thirdparty` is true for
 * `?thirdparty`, `?thirdparty=true` or `?thirdparty=1` (any case), false otherwise.
 */
export function parseNewSessionQuery(query: Readonly<Record<string, string | undefined>>): NewSessionQuery {
  const raw = query['thirdparty'];
  const thirdparty = raw !== undefined && ['', 'true', '1'].includes(raw.toLowerCase());
  const correlationId = query['correlationId'];
  return correlationId === undefined ? { thirdparty } : { thirdparty, correlationId };
}

// ---------------------------------------------------------------------------------------------
// tracks/new
// ---------------------------------------------------------------------------------------------

const tracksRequest = z
  .object({
    sessionDescription: sessionDescription.optional(),
    tracks: z.array(trackRequest).optional(),
    autoDiscover: z.boolean().optional(),
  })
  .superRefine((req, ctx) => {
    const tracks = req.tracks ?? [];
    tracks.forEach((t, i) => checkMidReference(ctx, t.mid, ['tracks', i, 'mid']));
    const first = tracks[0];
    const otherIndex = tracks.findIndex((t) => t.location !== first?.location);
    if (first !== undefined && otherIndex >= 0) {
      addIssue(
        ctx,
        ['tracks'],
        `all items of one call must have the same location (tracks[0] is "${first.location}", ` +
          `tracks[${otherIndex}] is "${tracks[otherIndex]?.location}")`,
      );
    }
    if (req.autoDiscover === true && req.sessionDescription === undefined) {
      addIssue(ctx, ['sessionDescription'], 'when autoDiscover is true (the SFU discovers tracks in the offer)', {
        missing: true,
      });
    } else if (tracks.length === 0 && req.autoDiscover !== true && req.sessionDescription === undefined) {
      addIssue(ctx, ['tracks'], 'unless sessionDescription is given (there is nothing to add)', { missing: true });
    }
  });

/** `POST .../tracks/new`. */
export function parseTracksRequest(body: unknown): ParseResult<TracksRequest> {
  return parseWith(tracksRequest, body, REQUEST);
}

// ---------------------------------------------------------------------------------------------
// renegotiate
// ---------------------------------------------------------------------------------------------

const renegotiateRequest = z.object({ sessionDescription });

/** `PUT .../renegotiate`: `{sessionDescription}` (normally the answer to our offer). */
export function parseRenegotiateRequest(body: unknown): ParseResult<RenegotiateRequest> {
  return parseWith(renegotiateRequest, body, REQUEST);
}

// ---------------------------------------------------------------------------------------------
// tracks/update
// ---------------------------------------------------------------------------------------------

const updateTracksRequest = z
  .object({
    tracks: z.array(z.object({ ...trackFields, mid: midSchema })),
    sessionDescription: sessionDescription.optional(),
  })
  .superRefine((req, ctx) => {
    req.tracks.forEach((t, i) => checkMidReference(ctx, t.mid, ['tracks', i, 'mid']));
  });

/** `PUT .../tracks/update`: every item names a transceiver of this session by `mid`. */
export function parseUpdateTracksRequest(body: unknown): ParseResult<UpdateTracksRequest> {
  return parseWith(updateTracksRequest, body, REQUEST);
}

// ---------------------------------------------------------------------------------------------
// tracks/close
// ---------------------------------------------------------------------------------------------

const closeTracksRequest = z
  .object({
    tracks: z.array(z.object({ mid: midSchema })).min(1),
    force: z.boolean().optional(),
    sessionDescription: sessionDescription.optional(),
  })
  .superRefine((req, ctx) => {
    if (req.force !== true && req.sessionDescription === undefined) {
      addIssue(
        ctx,
        ['sessionDescription'],
        'unless force is true (send the offer made after stopping the transceivers)',
        { missing: true },
      );
    }
  });

/** `PUT .../tracks/close`: `{tracks:[{mid}], force, sessionDescription?}`. */
export function parseCloseTracksRequest(body: unknown): ParseResult<CloseTracksRequest> {
  return parseWith(closeTracksRequest, body, REQUEST);
}

// ---------------------------------------------------------------------------------------------
// datachannels/*
// ---------------------------------------------------------------------------------------------

const establishDataChannelsRequest = z
  .object({
    dataChannel: z.object({
      ...dataChannelFields,
      location: z.literal('remote').optional(),
      dataChannelName: branded<DataChannelName>(z.literal(SERVER_EVENTS_CHANNEL)),
    }),
    sessionDescription: sessionDescription.optional(),
  })
  .superRefine((req, ctx) => checkRetransmitPolicy(ctx, req.dataChannel, ['dataChannel']));

/** `POST .../datachannels/establish`: pull `server-events`, optionally with a client offer. */
export function parseEstablishDataChannelsRequest(body: unknown): ParseResult<EstablishDataChannelsRequest> {
  return parseWith(establishDataChannelsRequest, body, REQUEST);
}

const dataChannelsRequest = z
  .object({ dataChannels: z.array(dataChannelRequest) })
  .superRefine((req, ctx) => {
    req.dataChannels.forEach((c, i) => checkRetransmitPolicy(ctx, c, ['dataChannels', i]));
  });

/** `POST .../datachannels/new`: publish (`local`) or subscribe (`remote`) channels. */
export function parseDataChannelsRequest(body: unknown): ParseResult<DataChannelsRequest> {
  return parseWith(dataChannelsRequest, body, REQUEST);
}

/** `PUT .../datachannels/update`: same body as `datachannels/new` (typically `canReply` changes). */
export function parseUpdateDataChannelsRequest(body: unknown): ParseResult<DataChannelsRequest> {
  return parseWith(dataChannelsRequest, body, REQUEST);
}

const closeDataChannelsRequest = z.object({
  dataChannels: z.array(z.object({ ...dataChannelFields, id: nonNegativeInt })),
});

/** `PUT .../datachannels/close`: `{dataChannels:[{id}]}` with ids allocated on this session. */
export function parseCloseDataChannelsRequest(body: unknown): ParseResult<CloseDataChannelsRequest> {
  return parseWith(closeDataChannelsRequest, body, REQUEST);
}

// ---------------------------------------------------------------------------------------------
// adapters/websocket/*
// ---------------------------------------------------------------------------------------------

/** The schema's limit on adapters per request (not configurable: it is part of the contract). */
export const MAX_ADAPTERS_PER_REQUEST = 4;

const websocketEndpoint = z.string().regex(/^wss?:\/\/\S+$/, { error: 'expected a ws:// or wss:// URL' });
const adapterMode = z.enum(['stream', 'buffer']).optional();

const localAdapter = z.object({
  location: z.literal('local'),
  trackName: trackNameSchema,
  endpoint: websocketEndpoint,
  inputCodec: z.literal('pcm'),
  mode: adapterMode,
});
const remoteAdapter = z.object({
  location: z.literal('remote'),
  sessionId: sessionIdSchema,
  trackName: trackNameSchema,
  endpoint: websocketEndpoint,
  outputCodec: z.enum(['pcm', 'jpeg']),
  mode: adapterMode,
});

/** The official wording of the adapter count error ("Expecting at most 4 track in the request"). */
function checkAdapterCount(ctx: z.RefinementCtx, count: number): void {
  if (count < 1) addIssue(ctx, ['tracks'], 'Expecting at least 1 track in the request', { verbatim: true });
  if (count > MAX_ADAPTERS_PER_REQUEST) {
    addIssue(ctx, ['tracks'], `Expecting at most ${MAX_ADAPTERS_PER_REQUEST} track in the request`, { verbatim: true });
  }
}

const newAdapterRequest = z
  .object({ tracks: z.array(z.discriminatedUnion('location', [localAdapter, remoteAdapter])) })
  .superRefine((req, ctx) => checkAdapterCount(ctx, req.tracks.length));

/** `POST /apps/{appId}/adapters/websocket/new`: one to four adapters. */
export function parseNewAdapterRequest(body: unknown): ParseResult<NewAdapterRequest> {
  return parseWith(newAdapterRequest, body, REQUEST);
}

const closeAdapterRequest = z
  .object({ tracks: z.array(z.object({ adapterId: nonEmptyString })) })
  .superRefine((req, ctx) => checkAdapterCount(ctx, req.tracks.length));

/** `POST /apps/{appId}/adapters/websocket/close`: one to four adapter ids. */
export function parseCloseAdapterRequest(body: unknown): ParseResult<CloseAdapterRequest> {
  return parseWith(closeAdapterRequest, body, REQUEST);
}

// ---------------------------------------------------------------------------------------------
// TURN: generate-ice-servers
// ---------------------------------------------------------------------------------------------

const generateIceServersRequest = z.object({ ttl: z.number().int().positive().optional() });

/** `POST /turn/keys/{turnKeyId}/credentials/generate-ice-servers`: `{ttl?}` in seconds. */
export function parseGenerateIceServersRequest(body: unknown): ParseResult<GenerateIceServersRequest> {
  return parseWith(generateIceServersRequest, body, REQUEST);
}
