/**
 * Every Calls operation in one table: method, path template (as in the OpenAPI schema, relative to
 * `/v1`), success status, and its request/response validators. The HTTP routes and the schema
 * tests are built from it.
 */

import type { ParseResult } from './parse-result.js';
import {
  parseCloseAdapterResponse,
  parseCloseDataChannelsResponse,
  parseCloseTracksResponse,
  parseDataChannelsResponse,
  parseEstablishDataChannelsResponse,
  parseGenerateIceServersResponse,
  parseGetSessionStateResponse,
  parseNewAdapterResponse,
  parseNewSessionResponse,
  parseRenegotiateResponse,
  parseTracksResponse,
  parseUpdateTracksResponse,
} from './response-validators.js';
import {
  parseCloseAdapterRequest,
  parseCloseDataChannelsRequest,
  parseCloseTracksRequest,
  parseDataChannelsRequest,
  parseEstablishDataChannelsRequest,
  parseGenerateIceServersRequest,
  parseNewAdapterRequest,
  parseNewSessionRequest,
  parseRenegotiateRequest,
  parseTracksRequest,
  parseUpdateDataChannelsRequest,
  parseUpdateTracksRequest,
} from './validators.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT';

export interface CallsOperation {
  readonly method: HttpMethod;
  /** OpenAPI path template relative to `https://rtc.live.cloudflare.com/v1`. */
  readonly path: string;
  /** The status of a successful response. */
  readonly successStatus: 200 | 201;
  /** `undefined` for operations without a body (GET). */
  readonly parseRequest: ((body: unknown) => ParseResult<unknown>) | undefined;
  readonly parseResponse: (body: unknown) => ParseResult<unknown>;
  /** Listed in Cloudflare's SFU OpenAPI schema (TURN is a separate product). */
  readonly inOfficialSchema: boolean;
}

export const OPERATION_NAMES = [
  'newSession',
  'newTracks',
  'renegotiate',
  'updateTracks',
  'closeTracks',
  'getSession',
  'establishDataChannels',
  'newDataChannels',
  'updateDataChannels',
  'closeDataChannels',
  'newWebSocketAdapter',
  'closeWebSocketAdapter',
  'generateIceServers',
] as const;
export type OperationName = (typeof OPERATION_NAMES)[number];

const SESSION = '/apps/{appId}/sessions/{sessionId}';

export const CALLS_OPERATIONS: Readonly<Record<OperationName, CallsOperation>> = Object.freeze({
  newSession: op('POST', '/apps/{appId}/sessions/new', 201, parseNewSessionRequest, parseNewSessionResponse),
  newTracks: op('POST', `${SESSION}/tracks/new`, 200, parseTracksRequest, parseTracksResponse),
  renegotiate: op('PUT', `${SESSION}/renegotiate`, 200, parseRenegotiateRequest, parseRenegotiateResponse),
  updateTracks: op('PUT', `${SESSION}/tracks/update`, 200, parseUpdateTracksRequest, parseUpdateTracksResponse),
  closeTracks: op('PUT', `${SESSION}/tracks/close`, 200, parseCloseTracksRequest, parseCloseTracksResponse),
  getSession: op('GET', SESSION, 200, undefined, parseGetSessionStateResponse),
  establishDataChannels: op(
    'POST',
    `${SESSION}/datachannels/establish`,
    200,
    parseEstablishDataChannelsRequest,
    parseEstablishDataChannelsResponse,
  ),
  newDataChannels: op('POST', `${SESSION}/datachannels/new`, 200, parseDataChannelsRequest, parseDataChannelsResponse),
  updateDataChannels: op(
    'PUT',
    `${SESSION}/datachannels/update`,
    200,
    parseUpdateDataChannelsRequest,
    parseDataChannelsResponse,
  ),
  closeDataChannels: op(
    'PUT',
    `${SESSION}/datachannels/close`,
    200,
    parseCloseDataChannelsRequest,
    parseCloseDataChannelsResponse,
  ),
  newWebSocketAdapter: op('POST', '/apps/{appId}/adapters/websocket/new', 200, parseNewAdapterRequest, parseNewAdapterResponse),
  closeWebSocketAdapter: op(
    'POST',
    '/apps/{appId}/adapters/websocket/close',
    200,
    parseCloseAdapterRequest,
    parseCloseAdapterResponse,
  ),
  generateIceServers: {
    ...op(
      'POST',
      '/turn/keys/{turnKeyId}/credentials/generate-ice-servers',
      201,
      parseGenerateIceServersRequest,
      parseGenerateIceServersResponse,
    ),
    inOfficialSchema: false,
  },
});

/** The operation with this method and OpenAPI path template, if any. */
export function findOperation(method: string, path: string): OperationName | undefined {
  const upper = method.toUpperCase();
  return OPERATION_NAMES.find((name) => CALLS_OPERATIONS[name].method === upper && CALLS_OPERATIONS[name].path === path);
}

function op(
  method: HttpMethod,
  path: string,
  successStatus: 200 | 201,
  parseRequest: CallsOperation['parseRequest'],
  parseResponse: CallsOperation['parseResponse'],
): CallsOperation {
  return { method, path, successStatus, parseRequest, parseResponse, inOfficialSchema: true };
}
