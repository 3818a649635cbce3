import { assertMatchesOfficialSchema } from '@opencalls/conformance';
import { repairSctp } from '@opencalls/media';
import type { RTCDataChannel, RTCPeerConnection } from 'werift';
import type { ApiResponse, CallsApi, SessionState } from './calls-api.js';
import { loopbackPeer } from './werift-peers.js';

/** A DataChannelObject as it comes back, with the item error fields. */
export interface DataChannelItem {
  location?: 'local' | 'remote';
  sessionId?: string;
  dataChannelName?: string;
  id?: number;
  canReply?: boolean;
  waitForAck?: boolean;
  status?: string;
  errorCode?: string;
  errorDescription?: string;
}

export interface DataChannelsBody {
  dataChannels?: DataChannelItem[];
  errorCode?: string;
  errorDescription?: string;
}

export interface EstablishBody {
  requiresImmediateRenegotiation?: boolean;
  dataChannel?: DataChannelItem;
  sessionDescription?: { type: 'offer' | 'answer'; sdp: string };
  errorCode?: string;
  errorDescription?: string;
}

export const SERVER_EVENTS_REQUEST = { dataChannel: { location: 'remote', dataChannelName: 'server-events' } } as const;

const SCHEMA_PATH = '/apps/{appId}/sessions/{sessionId}';

/** The DataChannel calls; every response is checked against Cloudflare's official schema. */
export class DataChannelsApi {
  readonly api: CallsApi;

  constructor(api: CallsApi) {
    this.api = api;
  }

  establish(sessionId: string, body: unknown = SERVER_EVENTS_REQUEST): Promise<ApiResponse<EstablishBody>> {
    return this.#checked('POST', sessionId, 'datachannels/establish', body);
  }

  create(sessionId: string, dataChannels: readonly DataChannelItem[]): Promise<ApiResponse<DataChannelsBody>> {
    return this.#checked('POST', sessionId, 'datachannels/new', { dataChannels });
  }

  update(sessionId: string, dataChannels: readonly DataChannelItem[]): Promise<ApiResponse<DataChannelsBody>> {
    return this.#checked('PUT', sessionId, 'datachannels/update', { dataChannels });
  }

  close(sessionId: string, ids: readonly number[]): Promise<ApiResponse<DataChannelsBody>> {
    return this.#checked('PUT', sessionId, 'datachannels/close', { dataChannels: ids.map((id) => ({ id })) });
  }

  async renegotiate(sessionId: string, sdp: string): Promise<ApiResponse> {
    const res = await this.api.renegotiate(sessionId, sdp);
    assertMatchesOfficialSchema({ path: `${SCHEMA_PATH}/renegotiate`, method: 'put', status: res.status, body: res.body });
    return res;
  }

  /** The session's data channels as `GET session` lists them. */
  async listed(sessionId: string): Promise<DataChannelItem[]> {
    const res = await this.api.getSession<SessionState>(sessionId);
    assertMatchesOfficialSchema({ path: SCHEMA_PATH, method: 'get', status: res.status, body: res.body });
    return (res.body.dataChannels ?? []) as DataChannelItem[];
  }

  async #checked<T>(method: 'POST' | 'PUT', sessionId: string, op: string, body: unknown): Promise<ApiResponse<T>> {
    const res = await this.api.call<T>(method, `/sessions/${sessionId}/${op}`, body);
    assertMatchesOfficialSchema({ path: `${SCHEMA_PATH}/${op}`, method, status: res.status, body: res.body });
    return res;
  }
}

export interface DataSession {
  readonly sessionId: string;
  readonly pc: RTCPeerConnection;
}

/** New session + `datachannels/establish` (SFU offer) + answer on `renegotiate`; waits for connected. */
export async function connectDataSession(dc: DataChannelsApi): Promise<DataSession> {
  const sessionId = await dc.api.newSession();
  const pc = loopbackPeer();
  const res = await dc.establish(sessionId);
  if (res.status !== 200 || !res.body.sessionDescription) throw new Error(`establish failed: ${res.text}`);
  await pc.setRemoteDescription(res.body.sessionDescription);
  await pc.setLocalDescription(await pc.createAnswer());
  const reneg = await dc.renegotiate(sessionId, pc.localDescription!.sdp);
  if (reneg.status !== 200) throw new Error(`renegotiate failed: ${reneg.text}`);
  await pc.connectionStateChange.watch((s) => s === 'connected', 10_000);
  return { sessionId, pc };
}

/**
 * The client's end of a negotiated channel (what `pc.createDataChannel(name, {negotiated, id})`
 * does in a browser). werift clients have the same SCTP bugs, so the repairs go on their association too.
 */
export function openNegotiated(
  pc: RTCPeerConnection,
  label: string,
  id: number,
  options: { ordered?: boolean; maxRetransmits?: number; maxPacketLifeTime?: number } = {},
): RTCDataChannel {
  const channel = pc.createDataChannel(label, { negotiated: true, id, ...options });
  repairSctp(pc.sctpTransport);
  return channel;
}

export type Message = string | Buffer;

/** Everything a channel receives, in order. */
export function record(channel: RTCDataChannel): Message[] {
  const messages: Message[] = [];
  channel.onMessage.subscribe((m) => messages.push(m));
  return messages;
}

/** A binary payload that says which message it is (and is not valid UTF-8, so it cannot pass as text). */
export function binaryMessage(n: number, size = 64): Buffer {
  const buf = Buffer.alloc(size, 0xff);
  buf.writeUInt32BE(n, 0);
  return buf;
}

/** The one item of a one-item response (fails loudly otherwise). */
export function onlyItem(res: ApiResponse<DataChannelsBody>): DataChannelItem {
  const items = res.body.dataChannels ?? [];
  if (res.status !== 200 || items.length !== 1) throw new Error(`expected one item: ${res.status} ${res.text}`);
  return items[0]!;
}
