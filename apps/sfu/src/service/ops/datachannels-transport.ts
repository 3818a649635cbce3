import { ProtocolError, SfuError } from '@opencalls/protocol';
import type { CallSession } from '../call-session.js';
import type { CallsService } from '../calls-service.js';

export const NO_DATA_TRANSPORT_DESCRIPTION =
  'This session has no DataChannel transport: call datachannels/establish first (or send an offer with an m=application section)';
export const PENDING_DATA_TRANSPORT_DESCRIPTION =
  'The DataChannel transport is not negotiated yet: answer the SFU offer of datachannels/establish with PUT renegotiate first';

/**
 * What `datachannels/new` needs: a negotiated SCTP transport (else `invalid_params`, at once:
 * waiting cannot create one), a connected PeerConnection (waits ≤ `connectWaitMs`, then 425
 * `session_error`) and an established SCTP association (same deadline, same error). Records
 * `server-events` for a transport that a client offer set up.
 */
export async function requireDataTransport(service: CallsService, call: CallSession): Promise<void> {
  const state = call.hasPeer ? call.peer.dataChannels.state : 'none';
  if (state === 'none') throw new ProtocolError('invalid_params', NO_DATA_TRANSPORT_DESCRIPTION);
  if (state === 'pending') throw new ProtocolError('invalid_params', PENDING_DATA_TRANSPORT_DESCRIPTION);
  const startedAt = performance.now();
  await call.ensureConnected();
  const waitMs = Math.max(0, service.config.limits.connectWaitMs - (performance.now() - startedAt));
  if (!(await call.peer.dataChannels.waitEstablished(waitMs))) {
    throw new SfuError(
      'session_error',
      `The DataChannel (SCTP) transport did not connect within ${service.config.limits.connectWaitMs} ms`,
      { sessionReason: 'not_connected' },
    );
  }
  service.dataChannels.ensureServerEvents(call);
}
