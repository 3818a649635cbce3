/**
 * zod pieces shared by the request and response validators, and the one `parseWith` helper.
 * Internal to the package (not re-exported): the public surface is the `parseXxx` functions.
 */

import { z } from 'zod';
import type { AppId, DataChannelName, Mid, SessionId, TrackName } from './ids.js';
import type { ParseResult } from './parse-result.js';
import { issuesToProtocolError } from './validation-issues.js';
import type { CustomIssueParams } from './validation-issues.js';
import type { SdpType, SimulcastFallbackStrategy, SimulcastOrdering, TrackKind, TrackLocation } from './wire-types.js';
import {
  SDP_TYPES,
  SIMULCAST_FALLBACK_STRATEGIES,
  SIMULCAST_PRIORITY_ORDERINGS,
  TRACK_KINDS,
  TRACK_LOCATIONS,
} from './wire-types.js';

/** Re-types a string schema's output as a branded id (brands exist only at compile time). */
export function branded<B extends string>(schema: z.ZodType<string>): z.ZodType<B> {
  return schema as unknown as z.ZodType<B>;
}

export const nonEmptyString: z.ZodString = z.string().min(1);

export const sessionIdSchema: z.ZodType<SessionId> = branded<SessionId>(nonEmptyString);
export const trackNameSchema: z.ZodType<TrackName> = branded<TrackName>(nonEmptyString);
export const dataChannelNameSchema: z.ZodType<DataChannelName> = branded<DataChannelName>(nonEmptyString);
export const appIdSchema: z.ZodType<AppId> = branded<AppId>(nonEmptyString);
/** A mid as sent by a client: non-empty (may be `"#<trackName>"`). */
export const midSchema: z.ZodType<Mid> = branded<Mid>(nonEmptyString);
/** A mid in our responses: a failed item carries `mid: ""`. */
export const resultMidSchema: z.ZodType<Mid> = branded<Mid>(z.string());

export const sdpTypeSchema: z.ZodType<SdpType> = z.enum(SDP_TYPES);
export const trackLocationSchema: z.ZodType<TrackLocation> = z.enum(TRACK_LOCATIONS);
export const trackKindSchema: z.ZodType<TrackKind> = z.enum(TRACK_KINDS);
export const simulcastOrderingSchema: z.ZodType<SimulcastOrdering> = z.enum(SIMULCAST_PRIORITY_ORDERINGS);
export const simulcastFallbackSchema: z.ZodType<SimulcastFallbackStrategy> = z.enum(SIMULCAST_FALLBACK_STRATEGIES);
/** Channel ids, retransmit counts, lifetimes: integers >= 0. */
export const nonNegativeInt: z.ZodNumber = z.number().int().min(0);

/** The fields of `TrackObject.simulcast` (current and legacy spellings). */
export const simulcastShape: {
  readonly preferredRid: z.ZodOptional<z.ZodString>;
  readonly priorityOrdering: z.ZodOptional<z.ZodType<SimulcastOrdering>>;
  readonly ridNotAvailable: z.ZodOptional<z.ZodType<SimulcastOrdering>>;
  readonly fallbackStrategy: z.ZodOptional<z.ZodType<SimulcastFallbackStrategy>>;
  readonly ridUnavailableStrategy: z.ZodOptional<z.ZodString>;
} = {
  preferredRid: z.string().optional(),
  priorityOrdering: simulcastOrderingSchema.optional(),
  ridNotAvailable: simulcastOrderingSchema.optional(),
  fallbackStrategy: simulcastFallbackSchema.optional(),
  ridUnavailableStrategy: z.string().optional(),
};

/** Adds a `custom` issue with our params (see `CustomIssueParams`). */
export function addIssue(
  ctx: z.RefinementCtx,
  path: readonly PropertyKey[],
  message: string,
  params: CustomIssueParams = {},
): void {
  ctx.addIssue({ code: 'custom', path: [...path], message, params: { ...params } });
}

export interface ParseWithOptions {
  /**
   * Request bodies: an absent body (`undefined`, from an empty HTTP body) is read as `{}`, and
   * object properties whose value is `null` are dropped first (read as absent, like Go's
   * encoding/json and serde's `Option`), so `{"mid": null}` never fails on the type.
   */
  readonly lenientRequest: boolean;
  /** How messages name the whole body: `request body` or `response body`. */
  readonly rootLabel: string;
}

export function parseWith<T>(schema: z.ZodType<T>, body: unknown, options: ParseWithOptions): ParseResult<T> {
  const input = options.lenientRequest ? dropNullProperties(body === undefined ? {} : body) : body;
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, error: issuesToProtocolError(result.error.issues, input, options.rootLabel) };
}

/**
 * A copy of `value` without object properties that are `null` (array elements are kept).
 * A `__proto__` key (an own property after `JSON.parse`) is dropped too: it is never a Calls field,
 * and copying it by assignment would change the copy's prototype.
 */
export function dropNullProperties(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNullProperties);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v !== null && key !== '__proto__') out[key] = dropNullProperties(v);
  }
  return out;
}
