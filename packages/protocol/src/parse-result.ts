/**
 * The result of every `parseXxx` function: a value, or a `ProtocolError` whose `code` is the Calls
 * `errorCode` to send and whose `message` is ready to use as `errorDescription`.
 */

import { ProtocolError } from './errors.js';

export type ParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: ProtocolError };

export function parseOk<T>(value: T): ParseResult<T> {
  return { ok: true, value };
}

export function parseError<T = never>(
  code: 'decoding_error' | 'invalid_params' | 'invalid_session_description',
  message: string,
): ParseResult<T> {
  return { ok: false, error: new ProtocolError(code, message) };
}
