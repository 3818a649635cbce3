/**
 * "Operations that require an established transport wait up to five seconds for connectivity
 * before timing out" (calls-api.md §5). A failed wait is a value: `session_error` with reason
 * `not_connected` (HTTP 425) or `gone` (the session closed meanwhile, HTTP 410).
 */
import type { Timers } from './clock.js';
import type { NotConnectedFailure } from './decision.js';
import type { Session } from './session.js';

export type ConnectedDecision = { readonly ok: true } | NotConnectedFailure;

const CONNECTED: ConnectedDecision = Object.freeze({ ok: true });

/**
 * Resolves `{ ok: true }` at once if `session` is connected, else when it becomes connected;
 * `not_connected` when `timeoutMs` passes first (inclusive: a wait of 5000 ms fails exactly at
 * 5000 ms unless `connected` was reported before); `gone` at once, or as soon as, the session
 * closes. Never rejects. Leaves no listener or timer behind once settled.
 */
export function waitForConnected(session: Session, timeoutMs: number, timers: Timers): Promise<ConnectedDecision> {
  if (session.closed) return Promise.resolve(goneFailure(session));
  if (session.connectionState === 'connected') return Promise.resolve(CONNECTED);

  return new Promise<ConnectedDecision>((resolve) => {
    const finish = (decision: ConnectedDecision): void => {
      timers.clearTimeout(timer);
      session.off('connectionstatechange', onState);
      session.off('close', onClose);
      resolve(decision);
    };
    const onState = (state: string): void => {
      if (state === 'connected') finish(CONNECTED);
    };
    const onClose = (): void => finish(goneFailure(session));
    session.on('connectionstatechange', onState);
    session.on('close', onClose);
    const timer = timers.setTimeout(
      () =>
        finish({
          ok: false,
          code: 'session_error',
          reason: 'not_connected',
          description: `Session ${session.id} did not connect within ${timeoutMs} ms (state: ${session.connectionState})`,
        }),
      timeoutMs,
    );
  });
}

function goneFailure(session: Session): NotConnectedFailure {
  return {
    ok: false,
    code: 'session_error',
    reason: 'gone',
    description: `Session ${session.id} is gone (${session.closeReason ?? 'requested'})`,
  };
}
