/**
 * @opencalls/protocol: the Cloudflare Calls HTTPS API as TypeScript types, validators, error codes
 * and the code → HTTP status table. Browser-safe: no Node APIs, no other @opencalls packages.
 */

export * from './errors.js';
export * from './ids.js';
export * from './wire-types.js';
export * from './wire-types-datachannels.js';
export * from './parse-result.js';
export * from './validators.js';
export * from './response-validators.js';
export * from './json-body.js';
export * from './http-status.js';
export * from './limits.js';
export * from './operations.js';
