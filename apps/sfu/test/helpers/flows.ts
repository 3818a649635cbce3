import type { RTCPeerConnection } from 'werift';
import type { CallsApi } from './calls-api.js';
import type { SyntheticSender } from './werift-peers.js';

/** New session + push of the synthetic publisher's video ("cam") and audio ("mic"); waits for connected. */
export async function connectPublisher(api: CallsApi, pc: RTCPeerConnection, publisher: SyntheticSender): Promise<string> {
  const sessionId = await api.newSession();
  await pc.setLocalDescription(await pc.createOffer());
  const res = await api.tracksNew(sessionId, {
    sessionDescription: { type: 'offer', sdp: pc.localDescription!.sdp },
    tracks: [
      { location: 'local', mid: publisher.video.mid, trackName: 'cam' },
      { location: 'local', mid: publisher.audio.mid, trackName: 'mic' },
    ],
  });
  if (res.status !== 200 || !res.body.sessionDescription) throw new Error(`push failed: ${res.text}`);
  await pc.setRemoteDescription(res.body.sessionDescription);
  await pc.connectionStateChange.watch((s) => s === 'connected', 10_000);
  return sessionId;
}

export interface Subscriber {
  readonly sessionId: string;
  readonly mids: readonly string[];
  readonly received: { video: number; audio: number };
}

/** New session pulling `trackNames` of `publisherSession`; answers the SFU offer; counts packets. */
export async function connectSubscriber(
  api: CallsApi,
  pc: RTCPeerConnection,
  publisherSession: string,
  trackNames: readonly string[],
): Promise<Subscriber> {
  const sessionId = await api.newSession();
  const received = { video: 0, audio: 0 };
  pc.onTrack.subscribe((track) => {
    track.onReceiveRtp.subscribe(() => {
      if (track.kind === 'video') received.video++;
      else received.audio++;
    });
  });
  const res = await api.tracksNew(sessionId, {
    tracks: trackNames.map((trackName) => ({ location: 'remote', sessionId: publisherSession, trackName })),
  });
  if (res.status !== 200 || !res.body.sessionDescription) throw new Error(`pull failed: ${res.text}`);
  await pc.setRemoteDescription(res.body.sessionDescription);
  await pc.setLocalDescription(await pc.createAnswer());
  const reneg = await api.renegotiate(sessionId, pc.localDescription!.sdp);
  if (reneg.status !== 200) throw new Error(`renegotiate failed: ${reneg.text}`);
  await pc.connectionStateChange.watch((s) => s === 'connected', 10_000);
  return { sessionId, mids: (res.body.tracks ?? []).map((t) => t.mid ?? ''), received };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `pred` every 50 ms until true; throws after `timeoutMs`. Bounded. */
export async function waitUntil(pred: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(50);
  }
}
