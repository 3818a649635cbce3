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
 *   what was wrong (the engine's own parse message, prefixed);
 * - arrays/objects nested deeper than `MAX_JSON_DEPTH` → `decoding_error` before parsing, so no
 *   later recursive walk over the value (validators, null dropping) can overflow the stack.
 */
export function parseJsonBody(text: string): ParseResult<unknown> {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (source.trim() === '') return { ok: true, value: undefined };
  if (nestedDeeperThan(source, MAX_JSON_DEPTH)) {
    return parseError('decoding_error', `request body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  try {
    return { ok: true, value: JSON.parse(source) as unknown };
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    return parseError('decoding_error', `request body is not valid JSON: ${detail}`);
  }
}

/** The deepest array/object nesting a request body may have (Calls bodies need about 4). */
export const MAX_JSON_DEPTH = 64;

/** Whether `[`/`{` nest deeper than `max` outside strings; one linear scan, no recursion. */
function nestedDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) {
      inString = true;
    } else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > max) return true;
    } else if (ch === 0x5d || ch === 0x7d) {
      depth--;
    }
  }
  return false;
}
