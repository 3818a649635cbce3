/**
 * @opencalls/conformance (private, Node only): test helpers that check bodies against
 * Cloudflare's official Calls OpenAPI schema and list its examples.
 */

export {
  assertMatchesOfficialSchema,
  assertRequestMatchesOfficialSchema,
  checkOfficialRequest,
  checkOfficialResponse,
  loadOfficialSchema,
  officialExamples,
  HTTP_METHODS,
} from './official-schema.js';
export type {
  HttpMethodName,
  OfficialExample,
  OfficialRequestCheck,
  OfficialResponseCheck,
  OfficialSchemaResult,
} from './official-schema.js';
export { resolvePointer, toJsonSchema } from './openapi-to-json-schema.js';
