/**
 * OpenAPI 3.0 Schema Object → self-contained JSON Schema that ajv can compile.
 *
 * - `$ref`s (`#/components/schemas/X`, or any local JSON pointer) are inlined; siblings of a
 *   `$ref` are ignored, as OpenAPI 3.0 says. A reference cycle throws (the Calls schema has none).
 * - `nullable: true` becomes a `"null"` member of `type` (and of `enum`, if any).
 * - boolean `exclusiveMinimum`/`exclusiveMaximum` (OpenAPI 3.0 / draft 4) become numbers.
 * - annotation-only OpenAPI keywords are dropped: `example`, `examples`, `xml`, `externalDocs`,
 *   `discriminator`, `deprecated`. Only keyword positions are rewritten: a PROPERTY named
 *   `example` under `properties` is kept.
 */

type Json = Record<string, unknown>;

const DROPPED_KEYWORDS = new Set(['example', 'examples', 'xml', 'externalDocs', 'discriminator', 'deprecated', 'nullable']);
/** Keywords whose value is a map from names to subschemas. */
const SCHEMA_MAP_KEYWORDS = new Set(['properties', 'patternProperties', 'definitions', '$defs']);
/** Keywords whose value is one subschema. */
const SCHEMA_KEYWORDS = new Set(['additionalProperties', 'items', 'not', 'additionalItems', 'contains', 'propertyNames']);
/** Keywords whose value is an array of subschemas. */
const SCHEMA_ARRAY_KEYWORDS = new Set(['allOf', 'anyOf', 'oneOf']);

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Follows a local JSON pointer (`#/components/schemas/X`) inside `doc`. */
export function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) throw new Error(`only local $refs are supported, got ${ref}`);
  let current: unknown = doc;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isObject(current) && !Array.isArray(current)) throw new Error(`$ref ${ref} does not resolve`);
    current = (current as Json)[key];
    if (current === undefined) throw new Error(`$ref ${ref} does not resolve`);
  }
  return current;
}

export function toJsonSchema(schema: unknown, doc: unknown, refStack: readonly string[] = []): unknown {
  if (typeof schema === 'boolean') return schema;
  if (!isObject(schema)) throw new Error(`expected a schema object, got ${JSON.stringify(schema)}`);
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    if (refStack.includes(ref)) throw new Error(`$ref cycle: ${[...refStack, ref].join(' → ')}`);
    return toJsonSchema(resolvePointer(doc, ref), doc, [...refStack, ref]);
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED_KEYWORDS.has(key)) continue;
    if (SCHEMA_MAP_KEYWORDS.has(key) && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, toJsonSchema(sub, doc, refStack)]));
    } else if (SCHEMA_KEYWORDS.has(key)) {
      out[key] = Array.isArray(value) ? value.map((sub) => toJsonSchema(sub, doc, refStack)) : toJsonSchema(value, doc, refStack);
    } else if (SCHEMA_ARRAY_KEYWORDS.has(key) && Array.isArray(value)) {
      out[key] = value.map((sub) => toJsonSchema(sub, doc, refStack));
    } else {
      out[key] = value;
    }
  }
  if (schema['nullable'] === true) {
    if (typeof out['type'] === 'string') out['type'] = [out['type'], 'null'];
    if (Array.isArray(out['enum']) && !out['enum'].includes(null)) out['enum'] = [...out['enum'], null];
  }
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (out[flag] === true && typeof out[bound] === 'number') {
      out[flag] = out[bound];
      delete out[bound];
    } else if (out[flag] === false) {
      delete out[flag];
    }
  }
  return out;
}
