import { SfuError, type GenerateIceServersResponse, type IceServer } from '@opencalls/protocol';
import type { IceServerConfig } from '../../config/config-types.js';

/**
 * `POST …/credentials/generate-ice-servers` → 201 `{iceServers: [...]}`: the configured servers as
 * they are. The credentials are static (no TURN server is built in), so the request's `ttl` does
 * not change them. With none configured the list is empty, which every RTCPeerConnection accepts:
 * clients then reach the SFU through its host candidates, as they would reach Calls' public IPs.
 */
export function generateIceServers(servers: readonly IceServerConfig[]): GenerateIceServersResponse {
  return { iceServers: servers.map(copyServer) };
}

/** The legacy response (`…/credentials/generate`): one object, not a list. */
export interface LegacyIceServersResponse {
  readonly iceServers: IceServer;
}

/**
 * `POST …/credentials/generate` (the older TURN docs): `{iceServers: {urls, username, credential}}`.
 * Every configured URL goes into the one object, with the credentials of the first server that has
 * some (TURN). The shape cannot say "none" — browsers reject `{urls: []}` ("Empty uri") — so with
 * no server configured this is a `not_found` error that tells the operator what to configure.
 */
export function generateLegacyIceServer(servers: readonly IceServerConfig[]): LegacyIceServersResponse {
  const urls = servers.flatMap((s) => (typeof s.urls === 'string' ? [s.urls] : [...s.urls]));
  if (urls.length === 0) {
    throw new SfuError(
      'not_found',
      'No ICE servers are configured (config iceServers); credentials/generate cannot answer an empty list: use credentials/generate-ice-servers',
    );
  }
  const withCredentials = servers.find((s) => s.username !== undefined || s.credential !== undefined);
  return {
    iceServers: {
      urls,
      ...(withCredentials?.username !== undefined ? { username: withCredentials.username } : {}),
      ...(withCredentials?.credential !== undefined ? { credential: withCredentials.credential } : {}),
    },
  };
}

function copyServer(server: IceServerConfig): IceServer {
  return {
    urls: typeof server.urls === 'string' ? server.urls : [...server.urls],
    ...(server.username !== undefined ? { username: server.username } : {}),
    ...(server.credential !== undefined ? { credential: server.credential } : {}),
  };
}
