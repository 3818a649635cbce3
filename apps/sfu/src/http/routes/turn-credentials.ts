import type { Context, Hono } from 'hono';
import { parseGenerateIceServersRequest } from '@opencalls/protocol';
import type { CallsService } from '../../service/calls-service.js';
import { generateIceServers, generateLegacyIceServer } from '../../service/turn/ice-servers-response.js';
import type { TurnKeys } from '../../service/turn/turn-keys.js';
import { readBody } from '../route-helpers.js';

/**
 * POST /turn/keys/:keyId/credentials/generate-ice-servers → 201 {iceServers: [...]}
 * POST /turn/keys/:keyId/credentials/generate             → 201 {iceServers: {...}} (legacy)
 * Both take `Authorization: Bearer <TURN key API token>` and an optional `{ttl}` body.
 * POST /turn/keys/:keyId/credentials/:username/revoke     → 204: the credentials handed out are
 * the configured static ones, which nothing here can revoke; the call is accepted as Calls
 * accepts it, so clients that revoke on hang-up keep working.
 */
export function turnCredentialsRoute(app: Hono, service: CallsService, keys: TurnKeys): void {
  const open = async (c: Context): Promise<void> => {
    keys.authenticate(c.req.param('keyId') ?? '', c.req.header('authorization'));
    await readBody(c, service.config.limits.maxBodyBytes, parseGenerateIceServersRequest);
  };
  app.post('/keys/:keyId/credentials/generate-ice-servers', async (c) => {
    await open(c);
    return c.json(generateIceServers(service.config.iceServers), 201);
  });
  app.post('/keys/:keyId/credentials/generate', async (c) => {
    await open(c);
    return c.json(generateLegacyIceServer(service.config.iceServers), 201);
  });
  app.post('/keys/:keyId/credentials/:username/revoke', (c) => {
    keys.authenticate(c.req.param('keyId') ?? '', c.req.header('authorization'));
    return c.body(null, 204);
  });
}
