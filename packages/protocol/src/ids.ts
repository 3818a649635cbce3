/**
 * Branded identifiers of the Calls API.
 *
 * A brand is a compile-time tag only: at run time every id is a plain string, exactly as on the
 * wire. The `asXxx` constructors are unchecked casts for values that already passed a validator
 * (or that we generated); they never allocate or copy.
 */

/** A string tagged with a compile-time-only brand `B`. */
export type Brand<T, B extends string> = T & { readonly __brand: B };

/** A session id. Ours are 32 lowercase hex characters, like Cloudflare's; peers' ids are opaque. */
export type SessionId = Brand<string, 'SessionId'>;
/** A track name chosen by the client (or by the SFU with `autoDiscover`). */
export type TrackName = Brand<string, 'TrackName'>;
/**
 * A media-section id on one PeerConnection (`"0"`, `"7"`). In requests it may also be
 * `"#<trackName>"`: "the transceiver that carries my track named <trackName>".
 */
export type Mid = Brand<string, 'Mid'>;
/** An application id: the `{appId}` path segment. */
export type AppId = Brand<string, 'AppId'>;
/** A DataChannel name chosen by the publisher. */
export type DataChannelName = Brand<string, 'DataChannelName'>;

export function asSessionId(value: string): SessionId {
  return value as SessionId;
}

export function asTrackName(value: string): TrackName {
  return value as TrackName;
}

export function asMid(value: string): Mid {
  return value as Mid;
}

export function asAppId(value: string): AppId {
  return value as AppId;
}

export function asDataChannelName(value: string): DataChannelName {
  return value as DataChannelName;
}

/** The shape of the session ids we generate: 32 lowercase hex characters (like Cloudflare's). */
export const SESSION_ID_PATTERN: RegExp = /^[0-9a-f]{32}$/;

/** The prefix that turns a `mid` into a reference to a transceiver by its track name. */
export const MID_TRACK_REFERENCE_PREFIX = '#';

/**
 * If `mid` is a `"#<trackName>"` reference, the referenced track name; otherwise `undefined`.
 * `"#"` alone references nothing and returns `undefined` (validators reject it).
 */
export function midTrackReference(mid: string): TrackName | undefined {
  if (!mid.startsWith(MID_TRACK_REFERENCE_PREFIX) || mid.length === 1) return undefined;
  return mid.slice(1) as TrackName;
}
