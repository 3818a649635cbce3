import type { Context } from 'hono';
import { SfuError } from '@opencalls/protocol';
import type { CallSession } from '../service/call-session.js';
import { errorToHttp } from '../errors-to-http.js';

/** The session each request opened (`openSession`), so a failure can be read against its state. */
const sessionOfRequest = new WeakMap<Request, CallSession>();

export function rememberRequestSession(c: Context, call: CallSession): void {
  sessionOfRequest.set(c.req.raw, call);
}

/**
 * A session that closes (expiry, reaper, shutdown) while a request waits on its mutation queue
 * rejects that request with the queue's `invalid_state`, and a request running at that moment may
 * fail on the torn-down PeerConnection. To the client neither is a server bug but a session that
 * is gone: 410 `session_error`, like any later call naming it. So a failure that would be a 5xx
 * on a session that is closed by now becomes `gone`; every other error passes through unchanged.
 */
export function asClosedSessionError(c: Context, error: unknown): unknown {
  const call = sessionOfRequest.get(c.req.raw);
  if (!call?.session.closed || errorToHttp(error).status < 500) return error;
  const reason = call.session.closeReason ?? 'requested';
  return new SfuError('session_error', `Session ${call.id} is gone (${reason}) before this request could finish; create a new session`, {
    sessionReason: 'gone',
    cause: error,
  });
}
