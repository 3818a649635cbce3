/**
 * Response validators: `parseXxxResponse(body: unknown): ParseResult<T>`. They check what WE send
 * (in tests and, if the lead wants, in a debug mode), so unlike the request validators they are
 * STRICT: unknown fields are errors (a typo such as `requiresImmediateRenegociation` is caught),
 * required fields must be present, `errorCode` must be a Calls code (internal codes such as
 * `invalid_state` must never leak) and always comes with an `errorDescription`.
 *
 * "Required" follows what the official examples and real clients rely on (calls-api.md §3, §9):
 * - `tracks/new` items echo `trackName` and `mid` (a failed item has `mid: ""`; a successful one a
 *   non-empty mid); remote items echo `sessionId`.
 * - every `tracks/*` response has `requiresImmediateRenegotiation` and `tracks`; close returns false.
 * - `sessions/new` returns a 32-lowercase-hex `sessionId`.
 * - DataChannel items have `id` (and, for new/update, `location`) unless they failed.
 * Bodies that are only an error (`{errorCode, errorDescription}`) are checked by
 * `parseErrorResponse`. A failed response check is our bug; its `ProtocolError` code is only
 * informational.
 */

import { z } from 'zod';
import { ITEM_ERROR_CODES, TOP_LEVEL_ERROR_CODES } from './errors.js';
import { SESSION_ID_PATTERN } from './ids.js';
import type { SessionId } from './ids.js';
import type { ParseResult } from './parse-result.js';
import {
  addIssue,
  branded,
  dataChannelNameSchema,
  midSchema,
  nonEmptyString,
  nonNegativeInt,
  parseWith,
  resultMidSchema,
  sdpTypeSchema,
  sessionIdSchema,
  simulcastShape,
  trackKindSchema,
  trackLocationSchema,
  trackNameSchema,
} from './schema-parts.js';
import type {
  CloseTracksResponse,
  ErrorResponse,
  GenerateIceServersResponse,
  GetSessionStateResponse,
  NewSessionResponse,
  RenegotiateResponse,
  TracksResponse,
  UpdateTracksResponse,
} from './wire-types.js';
import { SESSION_RESOURCE_STATUSES } from './wire-types.js';
import type {
  CloseAdapterResponse,
  CloseDataChannelsResponse,
  DataChannelsResponse,
  EstablishDataChannelsResponse,
  NewAdapterResponse,
} from './wire-types-datachannels.js';
import { ADAPTER_ERROR_CODES } from './wire-types-datachannels.js';

const RESPONSE = { lenientRequest: false, rootLabel: 'response body' } as const;

// ---------------------------------------------------------------------------------------------
// Pieces
// ---------------------------------------------------------------------------------------------

const topLevelErrorFields = {
  errorCode: z.enum(TOP_LEVEL_ERROR_CODES).optional(),
  errorDescription: z.string().optional(),
};
const itemErrorFields = {
  errorCode: z.enum(ITEM_ERROR_CODES).optional(),
  errorDescription: z.string().optional(),
};

interface MaybeError {
  readonly errorCode?: string | undefined;
  readonly errorDescription?: string | undefined;
}

/** `errorCode` and `errorDescription` come together or not at all. */
function checkErrorPair(ctx: z.RefinementCtx, value: MaybeError, path: readonly PropertyKey[]): void {
  if (value.errorCode !== undefined && value.errorDescription === undefined) {
    addIssue(ctx, [...path, 'errorDescription'], 'when errorCode is set', { missing: true });
  }
  if (value.errorCode === undefined && value.errorDescription !== undefined) {
    addIssue(ctx, [...path, 'errorCode'], 'when errorDescription is set', { missing: true });
  }
}

function requireWhenOk(
  ctx: z.RefinementCtx,
  value: MaybeError & Readonly<Record<string, unknown>>,
  fields: readonly string[],
  path: readonly PropertyKey[],
): void {
  if (value.errorCode !== undefined) return;
  for (const field of fields) {
    if (value[field] === undefined) addIssue(ctx, [...path, field], 'on a successful item', { missing: true });
  }
}

function requireRemoteSessionId(
  ctx: z.RefinementCtx,
  value: { readonly location?: string | undefined; readonly sessionId?: string | undefined },
  path: readonly PropertyKey[],
): void {
  if (value.location === 'remote' && value.sessionId === undefined) {
    addIssue(ctx, [...path, 'sessionId'], 'on a remote item', { missing: true });
  }
}

const sessionDescription = z.strictObject({ sdp: z.string(), type: sdpTypeSchema });
const simulcast = z.strictObject(simulcastShape);

const trackFields = {
  location: trackLocationSchema.optional(),
  mid: resultMidSchema.optional(),
  sessionId: sessionIdSchema.optional(),
  trackName: trackNameSchema.optional(),
  bidirectionalMediaStream: z.boolean().optional(),
  kind: trackKindSchema.optional(),
  simulcast: simulcast.optional(),
};

interface TrackResultLike extends MaybeError {
  readonly location?: string | undefined;
  readonly sessionId?: string | undefined;
  readonly mid?: string | undefined;
}

/** Checks of a `tracks/*` result item: error pair, remote `sessionId`, non-empty mid on success. */
function checkTrackResult(item: TrackResultLike, ctx: z.RefinementCtx): void {
  checkErrorPair(ctx, item, []);
  requireRemoteSessionId(ctx, item, []);
  if (item.errorCode === undefined && item.mid === '') addIssue(ctx, ['mid'], 'must not be empty on a successful item');
}

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

function withTopLevelChecks<T extends MaybeError>(schema: z.ZodType<T>): z.ZodType<T> {
  return schema.superRefine((value, ctx) => checkErrorPair(ctx, value, []));
}

// ---------------------------------------------------------------------------------------------
// Sessions and tracks
// ---------------------------------------------------------------------------------------------

const newSessionResponse = withTopLevelChecks(
  z.strictObject({
    sessionId: branded<SessionId>(z.string().regex(SESSION_ID_PATTERN, { error: 'expected 32 lowercase hex characters' })),
    sessionDescription: sessionDescription.optional(),
    ...topLevelErrorFields,
  }),
);

/** `POST sessions/new` → 201. */
export function parseNewSessionResponse(body: unknown): ParseResult<NewSessionResponse> {
  return parseWith(newSessionResponse, body, RESPONSE);
}

const tracksResponse = withTopLevelChecks(
  z.strictObject({
    requiresImmediateRenegotiation: z.boolean(),
    sessionDescription: sessionDescription.optional(),
    tracks: z.array(
      z
        .strictObject({ ...trackFields, ...itemErrorFields, trackName: trackNameSchema, mid: resultMidSchema })
        .superRefine(checkTrackResult),
    ),
    ...topLevelErrorFields,
  }),
);

/** `POST tracks/new` → 200. */
export function parseTracksResponse(body: unknown): ParseResult<TracksResponse> {
  return parseWith(tracksResponse, body, RESPONSE);
}

const renegotiateResponse = withTopLevelChecks(
  z.strictObject({ sessionDescription: sessionDescription.optional(), ...topLevelErrorFields }),
);

/** `PUT renegotiate` → 200 (`{}` on success). */
export function parseRenegotiateResponse(body: unknown): ParseResult<RenegotiateResponse> {
  return parseWith(renegotiateResponse, body, RESPONSE);
}

const updateTracksResponse = withTopLevelChecks(
  z.strictObject({
    requiresImmediateRenegotiation: z.boolean(),
    tracks: z.array(
      z.strictObject({ ...trackFields, ...itemErrorFields, mid: resultMidSchema }).superRefine(checkTrackResult),
    ),
    ...topLevelErrorFields,
  }),
);

/** `PUT tracks/update` → 200. */
export function parseUpdateTracksResponse(body: unknown): ParseResult<UpdateTracksResponse> {
  return parseWith(updateTracksResponse, body, RESPONSE);
}

const closeTrackResult = z
  .strictObject({ mid: midSchema, ...itemErrorFields })
  .superRefine((item, ctx) => checkErrorPair(ctx, item, []));

const closeTracksResponse = withTopLevelChecks(
  z.strictObject({
    requiresImmediateRenegotiation: z.literal(false),
    sessionDescription: sessionDescription.optional(),
    tracks: z.array(closeTrackResult),
    ...topLevelErrorFields,
  }),
);

/** `PUT tracks/close` → 200 (`requiresImmediateRenegotiation` must be false). */
export function parseCloseTracksResponse(body: unknown): ParseResult<CloseTracksResponse> {
  return parseWith(closeTracksResponse, body, RESPONSE);
}

const resourceStatus = z.enum(SESSION_RESOURCE_STATUSES);

const sessionTrackState = z
  .strictObject({
    ...trackFields,
    location: trackLocationSchema,
    mid: midSchema,
    trackName: trackNameSchema,
    status: resourceStatus,
  })
  .superRefine((item, ctx) => requireRemoteSessionId(ctx, item, []));

const sessionDataChannelState = z
  .strictObject({
    location: trackLocationSchema,
    sessionId: sessionIdSchema.optional(),
    dataChannelName: nonEmptyString,
    id: nonNegativeInt,
    status: resourceStatus,
  })
  .superRefine((item, ctx) => requireRemoteSessionId(ctx, item, []));

const getSessionStateResponse = withTopLevelChecks(
  z.strictObject({
    tracks: z.array(sessionTrackState),
    dataChannels: z.array(sessionDataChannelState),
    ...topLevelErrorFields,
  }),
);

/** `GET sessions/{sessionId}` → 200. */
export function parseGetSessionStateResponse(body: unknown): ParseResult<GetSessionStateResponse> {
  return parseWith(getSessionStateResponse, body, RESPONSE);
}

// ---------------------------------------------------------------------------------------------
// DataChannels
// ---------------------------------------------------------------------------------------------

const establishDataChannelsResponse = withTopLevelChecks(
  z.strictObject({
    requiresImmediateRenegotiation: z.boolean(),
    sessionDescription: sessionDescription.optional(),
    dataChannel: z.strictObject({ ...dataChannelFields, dataChannelName: dataChannelNameSchema, id: nonNegativeInt }),
    ...topLevelErrorFields,
  }),
);

/** `POST datachannels/establish` → 200. */
export function parseEstablishDataChannelsResponse(body: unknown): ParseResult<EstablishDataChannelsResponse> {
  return parseWith(establishDataChannelsResponse, body, RESPONSE);
}

const dataChannelResult = z
  .strictObject({ ...dataChannelFields, dataChannelName: dataChannelNameSchema, ...itemErrorFields })
  .superRefine((item, ctx) => {
    checkErrorPair(ctx, item, []);
    requireWhenOk(ctx, item, ['location', 'id'], []);
    requireRemoteSessionId(ctx, item, []);
  });

const dataChannelsResponse = withTopLevelChecks(
  z.strictObject({ dataChannels: z.array(dataChannelResult), ...topLevelErrorFields }),
);

/** `POST datachannels/new` and `PUT datachannels/update` → 200. */
export function parseDataChannelsResponse(body: unknown): ParseResult<DataChannelsResponse> {
  return parseWith(dataChannelsResponse, body, RESPONSE);
}

const closeDataChannelResult = z
  .strictObject({ ...dataChannelFields, id: nonNegativeInt, ...itemErrorFields })
  .superRefine((item, ctx) => checkErrorPair(ctx, item, []));

const closeDataChannelsResponse = withTopLevelChecks(
  z.strictObject({ dataChannels: z.array(closeDataChannelResult), ...topLevelErrorFields }),
);

/** `PUT datachannels/close` → 200. */
export function parseCloseDataChannelsResponse(body: unknown): ParseResult<CloseDataChannelsResponse> {
  return parseWith(closeDataChannelsResponse, body, RESPONSE);
}

// ---------------------------------------------------------------------------------------------
// Adapters
// ---------------------------------------------------------------------------------------------

const adapterErrorFields = {
  errorCode: z.enum([...ITEM_ERROR_CODES, ...ADAPTER_ERROR_CODES]).optional(),
  errorDescription: z.string().optional(),
};

const adapterResult = z
  .strictObject({
    location: trackLocationSchema.optional(),
    sessionId: sessionIdSchema.optional(),
    trackName: trackNameSchema,
    endpoint: z.string().optional(),
    inputCodec: z.literal('pcm').optional(),
    outputCodec: z.enum(['pcm', 'jpeg']).optional(),
    mode: z.enum(['stream', 'buffer']).optional(),
    adapterId: nonEmptyString.optional(),
    ...adapterErrorFields,
  })
  .superRefine((item, ctx) => {
    checkErrorPair(ctx, item, []);
    requireWhenOk(ctx, item, ['adapterId', 'endpoint'], []);
  });

const newAdapterResponse = withTopLevelChecks(
  z.strictObject({ tracks: z.array(adapterResult), ...topLevelErrorFields }),
);

/** `POST adapters/websocket/new` → 200 (some item succeeded) or 503 (all failed). */
export function parseNewAdapterResponse(body: unknown): ParseResult<NewAdapterResponse> {
  return parseWith(newAdapterResponse, body, RESPONSE);
}

const closeAdapterResult = z
  .strictObject({ adapterId: nonEmptyString, bytesProcessed: z.number().min(0).optional(), ...adapterErrorFields })
  .superRefine((item, ctx) => checkErrorPair(ctx, item, []));

const closeAdapterResponse = withTopLevelChecks(
  z.strictObject({ tracks: z.array(closeAdapterResult), ...topLevelErrorFields }),
);

/** `POST adapters/websocket/close` → 200 (some item succeeded) or 503 (all failed). */
export function parseCloseAdapterResponse(body: unknown): ParseResult<CloseAdapterResponse> {
  return parseWith(closeAdapterResponse, body, RESPONSE);
}

// ---------------------------------------------------------------------------------------------
// Errors and TURN
// ---------------------------------------------------------------------------------------------

const errorResponse = z.strictObject({ errorCode: z.enum(TOP_LEVEL_ERROR_CODES), errorDescription: z.string() });

/** A request-level error body, any status: exactly `{errorCode, errorDescription}`. */
export function parseErrorResponse(body: unknown): ParseResult<ErrorResponse> {
  return parseWith(errorResponse, body, RESPONSE);
}

const iceServerUrl = z.string().regex(/^(stun|stuns|turn|turns):\S+$/, {
  error: 'expected a stun:, stuns:, turn: or turns: URL',
});

const generateIceServersResponse = z.strictObject({
  iceServers: z.array(
    z.strictObject({
      urls: z.union([iceServerUrl, z.array(iceServerUrl).min(1)], {
        error: 'expected a URL string or a non-empty array of URL strings',
      }),
      username: z.string().optional(),
      credential: z.string().optional(),
    }),
  ),
});

/** `POST turn/.../generate-ice-servers` → 201. */
export function parseGenerateIceServersResponse(body: unknown): ParseResult<GenerateIceServersResponse> {
  return parseWith(generateIceServersResponse, body, RESPONSE);
}
