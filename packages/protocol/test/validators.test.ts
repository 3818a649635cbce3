import { describe, expect, test } from 'vitest';
import {
  parseCloseAdapterRequest,
  parseCloseDataChannelsRequest,
  parseCloseTracksRequest,
  parseCloseTracksResponse,
  parseDataChannelsRequest,
  parseDataChannelsResponse,
  parseErrorResponse,
  parseEstablishDataChannelsRequest,
  parseGenerateIceServersRequest,
  parseGenerateIceServersResponse,
  parseGetSessionStateResponse,
  parseJsonBody,
  parseNewAdapterRequest,
  parseNewSessionQuery,
  parseNewSessionRequest,
  parseNewSessionResponse,
  parseRenegotiateRequest,
  parseTracksRequest,
  parseTracksResponse,
  parseUpdateDataChannelsRequest,
  parseUpdateTracksRequest,
  ProtocolError,
  midTrackReference,
} from '../src/index.js';
import type { ParseResult } from '../src/index.js';

const SDP = 'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';
const OFFER = { type: 'offer', sdp: SDP } as const;
const ANSWER = { type: 'answer', sdp: SDP } as const;
const PUB = 'e017a2629c754fedc1f7d8587e06d126';
const UUID = '1a037563-c35c-4bf6-a9ee-2b474cbb9a51';

function ok<T>(result: ParseResult<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

function failure<T>(result: ParseResult<T>): { code: string; message: string } {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  expect(result.error).toBeInstanceOf(ProtocolError);
  return { code: result.error.code, message: result.error.message };
}

/** The route's own pipeline: text → JSON → validator. */
function fromText<T>(text: string, parse: (body: unknown) => ParseResult<T>): ParseResult<T> {
  const json = parseJsonBody(text);
  return json.ok ? parse(json.value) : json;
}

describe('parseJsonBody', () => {
  test.each([[''], ['   '], ['\r\n\t ']])('empty body %j → undefined', (text) => {
    expect(parseJsonBody(text)).toEqual({ ok: true, value: undefined });
  });

  test('parses JSON whatever the client called it (text/plain bodies are just text)', () => {
    expect(ok(parseJsonBody('{"tracks":[]}'))).toEqual({ tracks: [] });
  });

  test('ignores a UTF-8 byte-order mark', () => {
    expect(ok(parseJsonBody('\uFEFF{"a":1}'))).toEqual({ a: 1 });
  });

  test.each([['{"tracks": [}'], ['{'], ['not json'], ["{'single':'quotes'}"]])('malformed %j → decoding_error', (text) => {
    const { code, message } = failure(parseJsonBody(text));
    expect(code).toBe('decoding_error');
    expect(message).toMatch(/^request body is not valid JSON: .+/);
  });
});

describe('leniency', () => {
  test('sessions/new with no body (the current style) is {}', () => {
    expect(ok(fromText('', parseNewSessionRequest))).toEqual({});
    expect(ok(parseNewSessionRequest(undefined))).toEqual({});
  });

  test('sessions/new legacy body with an offer (echo-datachannels, sfu-turn-go)', () => {
    expect(ok(fromText(JSON.stringify({ sessionDescription: OFFER }), parseNewSessionRequest))).toEqual({
      sessionDescription: OFFER,
    });
  });

  test('unknown fields are ignored at every level and stripped', () => {
    const value = ok(
      parseTracksRequest({
        sessionDescription: { ...OFFER, extra: 1 },
        tracks: [{ location: 'local', mid: '0', trackName: 'a', networkPriority: 'high', simulcast: { preferredRid: 'a', x: 1 } }],
        correlationId: 'meeting-1',
        somethingNew: { nested: true },
      }),
    );
    expect(value).toEqual({
      sessionDescription: OFFER,
      tracks: [{ location: 'local', mid: '0', trackName: 'a', simulcast: { preferredRid: 'a' } }],
    });
  });

  test('null counts as absent', () => {
    const value = ok(
      parseTracksRequest({ sessionDescription: OFFER, autoDiscover: null, tracks: [{ location: 'local', trackName: 'a', mid: '1', kind: null }] }),
    );
    expect(value).toEqual({ sessionDescription: OFFER, tracks: [{ location: 'local', trackName: 'a', mid: '1' }] });
  });

  test('a __proto__ key is dropped, not copied onto the prototype', () => {
    const body = JSON.parse('{"sessionDescription":{"type":"answer","sdp":"x"},"__proto__":{"polluted":true}}') as unknown;
    const value = ok(parseRenegotiateRequest(body));
    expect(value).toEqual({ sessionDescription: { type: 'answer', sdp: 'x' } });
    expect((value as unknown as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  // calls-api.md §6: the bodies real clients send.
  test.each<[string, (body: unknown) => ParseResult<unknown>, unknown]>([
    [
      'echo: push with the browser offer, trackName = MediaStreamTrack.id',
      parseTracksRequest,
      { sessionDescription: OFFER, tracks: [{ location: 'local', mid: '0', trackName: '{b4a3c2d1-0000-4000-8000-000000000001}' }] },
    ],
    ['echo: pull from another session', parseTracksRequest, { tracks: [{ location: 'remote', trackName: UUID, sessionId: PUB }] }],
    ['echo: renegotiate with the answer', parseRenegotiateRequest, { sessionDescription: ANSWER }],
    [
      'echo-simulcast: update with priorityOrdering / ridNotAvailable',
      parseUpdateTracksRequest,
      {
        tracks: [
          {
            location: 'remote',
            trackName: UUID,
            sessionId: PUB,
            mid: '1',
            simulcast: { preferredRid: 'h', priorityOrdering: 'asciibetical', ridNotAvailable: 'asciibetical' },
          },
        ],
      },
    ],
    [
      'partytracks: batched push',
      parseTracksRequest,
      {
        sessionDescription: OFFER,
        tracks: [
          { trackName: UUID, mid: '0', location: 'local' },
          { trackName: '2e037563-a35d-4bf6-a9ee-2d474cbb9a58', mid: '1', location: 'local' },
        ],
      },
    ],
    [
      'partytracks: pull with preferredRid',
      parseTracksRequest,
      { tracks: [{ location: 'remote', sessionId: PUB, trackName: UUID, simulcast: { preferredRid: 'b' } }] },
    ],
    [
      'partytracks: tracks/update echoing push metadata, empty preferredRid (orange "no preference")',
      parseUpdateTracksRequest,
      { tracks: [{ location: 'remote', sessionId: PUB, trackName: UUID, mid: '3', simulcast: { preferredRid: '' } }] },
    ],
    [
      'partytracks: negotiated close',
      parseCloseTracksRequest,
      { tracks: [{ mid: '0' }, { mid: '1' }], sessionDescription: OFFER, force: false },
    ],
    ['video-room: forced close', parseCloseTracksRequest, { force: true, tracks: [{ mid: '2' }] }],
    [
      'openai relay: bidirectional push without an offer (thirdparty session)',
      parseTracksRequest,
      { tracks: [{ location: 'local', trackName: 'ai-generated-voice', bidirectionalMediaStream: true, kind: 'audio' }] },
    ],
    [
      'openai relay: pull into an existing transceiver by "#trackName"',
      parseTracksRequest,
      { tracks: [{ location: 'remote', sessionId: PUB, trackName: 'ai-generated-voice', mid: '#user-mic' }] },
    ],
    ['whip-whep: WHIP ingest with autoDiscover', parseTracksRequest, { sessionDescription: OFFER, autoDiscover: true }],
    [
      'whip-whep: WHEP pull with a client offer',
      parseTracksRequest,
      { tracks: [{ location: 'remote', sessionId: PUB, trackName: 'a' }], sessionDescription: OFFER },
    ],
    [
      'older schema: simulcast fallbackStrategy / ridUnavailableStrategy',
      parseTracksRequest,
      {
        tracks: [
          {
            location: 'remote',
            sessionId: PUB,
            trackName: 'v',
            simulcast: { preferredRid: 'f', fallbackStrategy: 'leastBandwidth', ridUnavailableStrategy: 'asciibetical' },
          },
        ],
      },
    ],
    [
      'echo-datachannels: establish',
      parseEstablishDataChannelsRequest,
      { dataChannel: { location: 'remote', dataChannelName: 'server-events' } },
    ],
    [
      'echo-datachannels: publish with an unreliable profile',
      parseDataChannelsRequest,
      { dataChannels: [{ location: 'local', dataChannelName: 'channel-one', ordered: false, maxRetransmits: 0 }] },
    ],
    [
      'echo-datachannels: subscribe',
      parseDataChannelsRequest,
      { dataChannels: [{ location: 'remote', sessionId: PUB, dataChannelName: 'channel-one' }] },
    ],
    [
      'datachannels/update: grant canReply',
      parseUpdateDataChannelsRequest,
      { dataChannels: [{ location: 'remote', sessionId: PUB, dataChannelName: 'channel-one', canReply: true }] },
    ],
    ['echo-datachannels: close by id', parseCloseDataChannelsRequest, { dataChannels: [{ id: 2 }, { id: 3 }] }],
    ['TURN: generate-ice-servers', parseGenerateIceServersRequest, { ttl: 86400 }],
  ])('%s', (_, parse, body) => {
    // Sent as text with no JSON content type: the route parses the text as JSON anyway.
    expect(ok(fromText(JSON.stringify(body), parse))).toEqual(body);
  });

  test('tracks/close without force reads as force false (then the offer is needed)', () => {
    expect(ok(parseCloseTracksRequest({ tracks: [{ mid: '0' }], sessionDescription: OFFER }))).toEqual({
      tracks: [{ mid: '0' }],
      sessionDescription: OFFER,
    });
  });

  test('TURN request without a body uses the default ttl', () => {
    expect(ok(parseGenerateIceServersRequest(undefined))).toEqual({});
  });

  test.each<[Record<string, string | undefined>, { thirdparty: boolean; correlationId?: string }]>([
    [{}, { thirdparty: false }],
    [{ thirdparty: 'true' }, { thirdparty: true }],
    [{ thirdparty: 'TRUE' }, { thirdparty: true }],
    [{ thirdparty: '' }, { thirdparty: true }],
    [{ thirdparty: '1' }, { thirdparty: true }],
    [{ thirdparty: 'false' }, { thirdparty: false }],
    [{ correlationId: 'meeting-1', SESSION: '', streamDebug: '' }, { thirdparty: false, correlationId: 'meeting-1' }],
  ])('sessions/new query %j', (query, expected) => {
    expect(parseNewSessionQuery(query)).toEqual(expected);
  });

  test('midTrackReference', () => {
    expect(midTrackReference('#user-mic')).toBe('user-mic');
    expect(midTrackReference('0')).toBeUndefined();
    expect(midTrackReference('#')).toBeUndefined();
  });
});

describe('rejections: exact code and message', () => {
  test.each<[string, ParseResult<unknown>, string, string]>([
    // Wrong JSON types → decoding_error.
    ['body is an array', parseTracksRequest([]), 'decoding_error', 'request body: expected an object, got an array'],
    ['body is a string', parseRenegotiateRequest('offer'), 'decoding_error', 'request body: expected an object, got a string'],
    ['body is null', parseNewSessionRequest(null), 'decoding_error', 'request body: expected an object, got null'],
    ['tracks is a string', parseTracksRequest({ tracks: 'x' }), 'decoding_error', 'tracks: expected an array, got a string'],
    [
      'mid is a number',
      parseTracksRequest({ sessionDescription: OFFER, tracks: [{ location: 'local', trackName: 'a', mid: 0 }] }),
      'decoding_error',
      'tracks[0].mid: expected a string, got a number',
    ],
    [
      'location is a number',
      parseTracksRequest({ tracks: [{ location: 1, trackName: 'a' }] }),
      'decoding_error',
      'tracks[0].location: expected a string, got a number',
    ],
    [
      'autoDiscover is a string',
      parseTracksRequest({ sessionDescription: OFFER, autoDiscover: 'yes' }),
      'decoding_error',
      'autoDiscover: expected a boolean, got a string',
    ],
    [
      'force is a string',
      parseCloseTracksRequest({ tracks: [{ mid: '0' }], force: 'true' }),
      'decoding_error',
      'force: expected a boolean, got a string',
    ],
    [
      'a type problem wins over value problems, which are not listed',
      parseTracksRequest({ tracks: [{ location: 'nowhere' }, { location: 'local', trackName: 5 }] }),
      'decoding_error',
      'tracks[1].trackName: expected a string, got a number',
    ],
    // Bad values, missing values, combinations → invalid_params.
    [
      'invalid location',
      parseTracksRequest({ tracks: [{ location: 'nowhere', trackName: 'a' }] }),
      'invalid_params',
      'tracks[0].location: expected "local" or "remote", got "nowhere"',
    ],
    [
      'missing location',
      parseTracksRequest({ tracks: [{ trackName: 'a', mid: '0' }], sessionDescription: OFFER }),
      'invalid_params',
      'tracks[0].location is required',
    ],
    [
      'type is not offer/answer',
      parseRenegotiateRequest({ sessionDescription: { type: 'pranswer', sdp: SDP } }),
      'invalid_params',
      'sessionDescription.type: expected "offer" or "answer", got "pranswer"',
    ],
    [
      'type rollback in tracks/new',
      parseTracksRequest({ sessionDescription: { type: 'rollback', sdp: '' }, autoDiscover: true }),
      'invalid_params',
      'sessionDescription.type: expected "offer" or "answer", got "rollback"',
    ],
    [
      'sdp missing',
      parseRenegotiateRequest({ sessionDescription: { type: 'answer' } }),
      'invalid_params',
      'sessionDescription.sdp is required',
    ],
    [
      'mixed local and remote tracks',
      parseTracksRequest({
        sessionDescription: OFFER,
        tracks: [
          { location: 'local', trackName: 'a', mid: '0' },
          { location: 'remote', trackName: 'b', sessionId: PUB },
        ],
      }),
      'invalid_params',
      'tracks: all items of one call must have the same location (tracks[0] is "local", tracks[1] is "remote")',
    ],
    [
      'remote track without sessionId',
      parseTracksRequest({ tracks: [{ location: 'remote', trackName: 'a' }] }),
      'invalid_params',
      'tracks[0].sessionId is required',
    ],
    [
      'local track without trackName',
      parseTracksRequest({ sessionDescription: OFFER, tracks: [{ location: 'local', mid: '0' }] }),
      'invalid_params',
      'tracks[0].trackName is required',
    ],
    [
      'empty trackName',
      parseTracksRequest({ tracks: [{ location: 'remote', trackName: '', sessionId: PUB }] }),
      'invalid_params',
      'tracks[0].trackName: must not be empty',
    ],
    [
      '"#" alone as a mid',
      parseTracksRequest({ tracks: [{ location: 'remote', trackName: 'a', sessionId: PUB, mid: '#' }] }),
      'invalid_params',
      'tracks[0].mid: "#" must be followed by a track name',
    ],
    [
      'invalid kind',
      parseTracksRequest({ tracks: [{ location: 'local', trackName: 'a', kind: 'data' }] }),
      'invalid_params',
      'tracks[0].kind: expected "audio" or "video", got "data"',
    ],
    [
      'invalid simulcast ordering',
      parseTracksRequest({
        tracks: [{ location: 'remote', trackName: 'a', sessionId: PUB, simulcast: { priorityOrdering: 'best' } }],
      }),
      'invalid_params',
      'tracks[0].simulcast.priorityOrdering: expected "none" or "asciibetical", got "best"',
    ],
    [
      'tracks/new with nothing to do',
      parseTracksRequest(undefined),
      'invalid_params',
      'tracks is required unless sessionDescription is given (there is nothing to add)',
    ],
    [
      'autoDiscover without an offer',
      parseTracksRequest({ autoDiscover: true }),
      'invalid_params',
      'sessionDescription is required when autoDiscover is true (the SFU discovers tracks in the offer)',
    ],
    ['renegotiate without a body', parseRenegotiateRequest(undefined), 'invalid_params', 'sessionDescription is required'],
    [
      'tracks/update without mid',
      parseUpdateTracksRequest({ tracks: [{ location: 'remote', sessionId: PUB, trackName: 'a' }] }),
      'invalid_params',
      'tracks[0].mid is required',
    ],
    ['tracks/close with no tracks', parseCloseTracksRequest({ tracks: [], force: true }), 'invalid_params', 'tracks: expected at least 1 item'],
    [
      'tracks/close with an empty mid',
      parseCloseTracksRequest({ tracks: [{ mid: '' }], force: true }),
      'invalid_params',
      'tracks[0].mid: must not be empty',
    ],
    [
      'negotiated tracks/close without the offer',
      parseCloseTracksRequest({ tracks: [{ mid: '0' }], force: false }),
      'invalid_params',
      'sessionDescription is required unless force is true (send the offer made after stopping the transceivers)',
    ],
    [
      'establish anything but server-events',
      parseEstablishDataChannelsRequest({ dataChannel: { location: 'remote', dataChannelName: 'chat' } }),
      'invalid_params',
      'dataChannel.dataChannelName: expected "server-events", got "chat"',
    ],
    [
      'negative maxRetransmits',
      parseDataChannelsRequest({ dataChannels: [{ location: 'local', dataChannelName: 'c', maxRetransmits: -1 }] }),
      'invalid_params',
      'dataChannels[0].maxRetransmits: expected a number >= 0, got -1',
    ],
    [
      'fractional maxPacketLifeTime',
      parseDataChannelsRequest({ dataChannels: [{ location: 'local', dataChannelName: 'c', maxPacketLifeTime: 1.5 }] }),
      'invalid_params',
      'dataChannels[0].maxPacketLifeTime: expected an integer, got 1.5',
    ],
    [
      'maxRetransmits with maxPacketLifeTime',
      parseDataChannelsRequest({
        dataChannels: [{ location: 'local', dataChannelName: 'c', maxRetransmits: 0, maxPacketLifeTime: 100 }],
      }),
      'invalid_params',
      'dataChannels[0]: maxRetransmits and maxPacketLifeTime are mutually exclusive',
    ],
    [
      'remote data channel without sessionId',
      parseDataChannelsRequest({ dataChannels: [{ location: 'remote', dataChannelName: 'c' }] }),
      'invalid_params',
      'dataChannels[0].sessionId is required',
    ],
    [
      'datachannels/close without id',
      parseCloseDataChannelsRequest({ dataChannels: [{ dataChannelName: 'c' }] }),
      'invalid_params',
      'dataChannels[0].id is required',
    ],
    [
      'five adapters (the official wording)',
      parseNewAdapterRequest({
        tracks: Array.from({ length: 5 }, (_, i) => ({
          location: 'local',
          trackName: `t${i}`,
          endpoint: 'wss://example.com/in',
          inputCodec: 'pcm',
        })),
      }),
      'invalid_params',
      'Expecting at most 4 track in the request',
    ],
    ['no adapter to close', parseCloseAdapterRequest({ tracks: [] }), 'invalid_params', 'Expecting at least 1 track in the request'],
    [
      'adapter endpoint that is not a WebSocket URL',
      parseNewAdapterRequest({
        tracks: [{ location: 'local', trackName: 't', endpoint: 'https://example.com', inputCodec: 'pcm' }],
      }),
      'invalid_params',
      'tracks[0].endpoint: expected a ws:// or wss:// URL',
    ],
    ['TURN ttl of zero', parseGenerateIceServersRequest({ ttl: 0 }), 'invalid_params', 'ttl: expected a number > 0, got 0'],
    [
      'several problems are listed, then counted',
      parseTracksRequest({
        tracks: [
          { location: 'remote', trackName: 'a' },
          { location: 'remote', trackName: 'b' },
          { location: 'remote', trackName: 'c' },
          { location: 'remote', trackName: 'd' },
          { location: 'remote', trackName: 'e' },
        ],
      }),
      'invalid_params',
      'tracks[0].sessionId is required; tracks[1].sessionId is required; tracks[2].sessionId is required; and 2 more problems',
    ],
  ])('%s', (_, result, code, message) => {
    expect(failure(result)).toEqual({ code, message });
  });
});

describe('response validators catch our own mistakes', () => {
  const GOOD_TRACKS = {
    requiresImmediateRenegotiation: false,
    tracks: [{ trackName: 'a', mid: '0' }],
    sessionDescription: ANSWER,
  };

  test('a good tracks/new response passes', () => {
    expect(ok(parseTracksResponse(GOOD_TRACKS))).toEqual(GOOD_TRACKS);
  });

  test('a failed item with mid "" passes (realtime-examples issue #11)', () => {
    const body = {
      requiresImmediateRenegotiation: false,
      tracks: [
        {
          sessionId: '7c7080a1b275772c49c5c717a617b85c',
          trackName: 'cbe55145-48e2-4a5c-9bf7-ec3218baff81',
          mid: '',
          errorCode: 'not_found_track_error',
          errorDescription:
            'Track not found on remote peer. Make sure the publisher peer is connected and sending packets for this track',
        },
      ],
    };
    expect(ok(parseTracksResponse(body))).toEqual(body);
  });

  test.each<[string, ParseResult<unknown>, string]>([
    [
      'a misspelled field',
      parseTracksResponse({ requiresImmediateRenegociation: false, requiresImmediateRenegotiation: false, tracks: [] }),
      'response body: unexpected field "requiresImmediateRenegociation"',
    ],
    ['tracks missing', parseTracksResponse({ requiresImmediateRenegotiation: true }), 'tracks is required'],
    [
      'a successful item without a mid',
      parseTracksResponse({ requiresImmediateRenegotiation: false, tracks: [{ trackName: 'a', mid: '' }] }),
      'tracks[0].mid: must not be empty on a successful item',
    ],
    [
      'a remote item without its sessionId',
      parseTracksResponse({ requiresImmediateRenegotiation: true, tracks: [{ location: 'remote', trackName: 'a', mid: '1' }] }),
      'tracks[0].sessionId is required on a remote item',
    ],
    [
      'an internal error code leaking to the wire',
      parseTracksResponse({ ...GOOD_TRACKS, errorCode: 'invalid_state', errorDescription: 'x' }),
      'errorCode: expected "unauthorized", "not_found", "decoding_error", "invalid_params", "payload_too_large", "session_error", "invalid_session_description", "negotiation_conflict", "rate_limited", "retryable_transient_error", "temporarily_unavailable_error", "transport_unavailable_error", "backend_error" or "internal_error", got "invalid_state"',
    ],
    [
      'errorCode without errorDescription',
      parseTracksResponse({ ...GOOD_TRACKS, tracks: [{ trackName: 'a', mid: '', errorCode: 'not_found_track_error' }] }),
      'tracks[0].errorDescription is required when errorCode is set',
    ],
    [
      'close saying renegotiation is needed',
      parseCloseTracksResponse({ requiresImmediateRenegotiation: true, tracks: [{ mid: '0' }] }),
      'requiresImmediateRenegotiation: expected false, got true',
    ],
    ['sessions/new without sessionId', parseNewSessionResponse({}), 'sessionId is required'],
    [
      'sessions/new with a sessionId unlike Calls ids',
      parseNewSessionResponse({ sessionId: 'abc/def' }),
      'sessionId: expected 32 lowercase hex characters',
    ],
    [
      'a data channel without its id',
      parseDataChannelsResponse({ dataChannels: [{ location: 'local', dataChannelName: 'c' }] }),
      'dataChannels[0].id is required on a successful item',
    ],
    [
      'GET session with an unknown status',
      parseGetSessionStateResponse({
        tracks: [{ location: 'local', mid: '0', trackName: 'a', status: 'closed' }],
        dataChannels: [],
      }),
      'tracks[0].status: expected "active", "inactive", "initializing" or "waiting", got "closed"',
    ],
    [
      'an error body with extra fields',
      parseErrorResponse({ errorCode: 'invalid_params', errorDescription: 'x', status: 406 }),
      'response body: unexpected field "status"',
    ],
    [
      'TURN urls that are not ICE URLs',
      parseGenerateIceServersResponse({ iceServers: [{ urls: 'https://turn.example' }] }),
      'iceServers[0].urls: expected a stun:, stuns:, turn: or turns: URL',
    ],
  ])('%s', (_, result, message) => {
    expect(failure(result).message).toBe(message);
  });

  test('a TURN response passes', () => {
    const body = {
      iceServers: [
        { urls: ['stun:stun.cloudflare.com:3478'] },
        {
          urls: ['turn:turn.cloudflare.com:3478?transport=udp', 'turns:turn.cloudflare.com:443?transport=tcp'],
          username: 'u',
          credential: 'c',
        },
      ],
    };
    expect(ok(parseGenerateIceServersResponse(body))).toEqual(body);
  });
});
