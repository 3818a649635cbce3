import { SfuError } from '@opencalls/protocol';
import { AppRegistry } from '@opencalls/session';
import type { TurnKeyConfig } from '../../config/config-types.js';

/**
 * The keys of the TURN-compatible credentials API and their Bearer tokens (calls-api.md §3.9).
 * The token check is the app registry's (constant time in the token's content).
 */
export class TurnKeys {
  readonly #keys: AppRegistry;

  constructor(keys: readonly TurnKeyConfig[]) {
    this.#keys = new AppRegistry(keys.map((k) => ({ appId: k.keyId, secret: k.token })));
  }

  /** Throws `not_found` (unknown key id) or `unauthorized` (missing or wrong Bearer token). */
  authenticate(keyId: string, authorization: string | undefined): void {
    const decision = this.#keys.authenticate(keyId, authorization);
    if (decision.ok) return;
    if (decision.code === 'not_found') throw new SfuError('not_found', `TURN key ${keyId} not found`);
    throw new SfuError('unauthorized', decision.description.replace('app secret', 'TURN key API token'));
  }
}
