/**
 * Request body decoding. Calls clients often send JSON without `Content-Type: application/json`
 * (`fetch` with a string body sends `text/plain;charset=UTF-8`; partytracks sets none), so the
 * body is parsed as JSON whatever the Content-Type says (calls-api.md §1). An empty body is
 * normal for `sessions/new`.
 */

import type { ParseResult } from './parse-result.js';
import { parseError } from './parse-result.js';

/**
 * Parses a request body as JSON.
 * - empty or whitespace-only text → `{ok: true, value: undefined}` (no body);
 * - a leading UTF-8 byte-order mark is ignored;
 * - malformed JSON → `{ok: false, error}` with code `decoding_error` and a message that says
 *   what was wrong (the engine's own parse message, prefixed).
 */
export function parseJsonBody(text: string): ParseResult<unknown> {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (source.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(source) as unknown };
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    return parseError('decoding_error', `request body is not valid JSON: ${detail}`);
  }
}
