/**
 * Turns zod issues into one `ProtocolError` with a Calls error code and an
 * `errorDescription`-ready message that names the field path (`tracks[0].location: ...`).
 *
 * Which code (calls-api.md §4, and the only statuses the OpenAPI schema documents, on the
 * adapter paths: 400 "The JSON body or its field types could not be decoded", 406 "invalid
 * parameters, missing required values, an invalid endpoint, or a track count outside one to four"):
 * - `decoding_error`: a field has the wrong JSON type (`tracks` is a string, `mid` is a number, the
 *   body is an array). Any such problem wins over value problems.
 * - `invalid_params`: the JSON types are right but a value is not allowed (unknown `location` or
 *   `type`, negative `maxRetransmits`, an empty track list), a required value is missing, or a
 *   combination is forbidden (mixed local and remote tracks).
 */

import type { z } from 'zod';
import { ProtocolError } from './errors.js';

/** How many problems one message lists before it says "and N more". */
const MAX_LISTED = 3;

type IssueClass = 'type' | 'missing' | 'value';

/** Extra data our own `custom` issues carry in `params`. */
export interface CustomIssueParams {
  /** The field is required (the message is then "<path> is required <detail>"). */
  readonly missing?: boolean;
  /** The message is a complete sentence: print it without the path. */
  readonly verbatim?: boolean;
}

type Issue = z.core.$ZodIssue;
type PathSegment = PropertyKey;

export function issuesToProtocolError(
  issues: readonly Issue[],
  input: unknown,
  rootLabel: string = 'request body',
): ProtocolError {
  const classified = issues.map((issue) => ({ issue, cls: classify(issue, input) }));
  const typeIssues = classified.filter((c) => c.cls === 'type');
  const chosen = typeIssues.length > 0 ? typeIssues : classified;
  const code = typeIssues.length > 0 ? 'decoding_error' : 'invalid_params';
  const messages = chosen.slice(0, MAX_LISTED).map((c) => describe(c.issue, c.cls, input, rootLabel));
  const more = chosen.length - messages.length;
  const text = messages.join('; ') + (more > 0 ? `; and ${more} more problem${more === 1 ? '' : 's'}` : '');
  return new ProtocolError(code, text);
}

/** `tracks[0].simulcast.preferredRid`; the empty path is the whole body (`rootLabel`). */
export function formatPath(path: readonly PathSegment[], rootLabel: string = 'request body'): string {
  if (path.length === 0) return rootLabel;
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

function classify(issue: Issue, input: unknown): IssueClass {
  const actual = valueAt(input, issue.path);
  switch (issue.code) {
    case 'invalid_type': {
      if (actual === undefined) return 'missing';
      const expected = issue.expected === 'int' ? 'number' : issue.expected;
      return jsonTypeOf(actual) === expected ? 'value' : 'type';
    }
    case 'invalid_union':
      if (issue.discriminator !== undefined) {
        if (actual === undefined) return 'missing';
        return typeof actual === 'string' ? 'value' : 'type';
      }
      return 'type';
    case 'custom':
      return customParams(issue).missing === true ? 'missing' : 'value';
    default:
      return 'value';
  }
}

function describe(issue: Issue, cls: IssueClass, input: unknown, rootLabel: string): string {
  const label = formatPath(issue.path, rootLabel);
  const actual = valueAt(input, issue.path);
  if (issue.code === 'custom') {
    const params = customParams(issue);
    if (params.missing === true) return `${label} is required${issue.message ? ` ${issue.message}` : ''}`;
    if (params.verbatim === true) return issue.message;
    return `${label}: ${issue.message}`;
  }
  if (cls === 'missing') return `${label} is required`;
  switch (issue.code) {
    case 'invalid_type':
      if (cls === 'value') return `${label}: expected an integer, got ${preview(actual)}`;
      return `${label}: expected ${withArticle(issue.expected)}, got ${withArticle(jsonTypeOf(actual))}`;
    case 'invalid_union':
      if (issue.discriminator !== undefined && 'options' in issue && issue.options !== undefined) {
        const options = issue.options.filter((o): o is string => typeof o === 'string');
        if (cls === 'type') return `${label}: expected a string, got ${withArticle(jsonTypeOf(actual))}`;
        return `${label}: expected ${oneOf(options)}, got ${preview(actual)}`;
      }
      return `${label}: ${issue.message}`;
    case 'invalid_value':
      return `${label}: expected ${oneOf(issue.values)}, got ${preview(actual)}`;
    case 'too_small':
      return `${label}: ${tooSmall(issue, actual)}`;
    case 'too_big':
      return `${label}: ${tooBig(issue, actual)}`;
    case 'unrecognized_keys':
      return `${label}: unexpected field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    default:
      return `${label}: ${issue.message}`;
  }
}

function tooSmall(issue: z.core.$ZodIssueTooSmall, actual: unknown): string {
  const min = Number(issue.minimum);
  if (issue.origin === 'array') return `expected at least ${min} item${min === 1 ? '' : 's'}`;
  if (issue.origin === 'string') return min === 1 ? 'must not be empty' : `expected at least ${min} characters`;
  return `expected a number ${issue.inclusive === false ? '>' : '>='} ${min}, got ${preview(actual)}`;
}

function tooBig(issue: z.core.$ZodIssueTooBig, actual: unknown): string {
  const max = Number(issue.maximum);
  if (issue.origin === 'array') return `expected at most ${max} item${max === 1 ? '' : 's'}`;
  if (issue.origin === 'string') return `expected at most ${max} characters`;
  return `expected a number ${issue.inclusive === false ? '<' : '<='} ${max}, got ${preview(actual)}`;
}

function customParams(issue: z.core.$ZodIssueCustom): CustomIssueParams {
  return (issue.params ?? {}) as CustomIssueParams;
}

/** The value found by following `path` into `input` (undefined if absent). */
export function valueAt(input: unknown, path: readonly PathSegment[]): unknown {
  let current: unknown = input;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

type JsonType = 'null' | 'array' | 'object' | 'string' | 'number' | 'boolean' | 'undefined' | 'other';

function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  return type === 'object' || type === 'string' || type === 'number' || type === 'boolean' || type === 'undefined'
    ? type
    : 'other';
}

function withArticle(type: string): string {
  if (type === 'null' || type === 'undefined') return type;
  if (type === 'int') return 'an integer';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function oneOf(values: readonly unknown[]): string {
  const shown = values.map((v) => JSON.stringify(v));
  if (shown.length <= 1) return shown[0] ?? 'nothing';
  return `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`;
}

/** A short, safe rendering of a client-supplied value for an error message. */
function preview(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
