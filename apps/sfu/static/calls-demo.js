// OpenCalls demo client: the same calls a Cloudflare Calls client makes (see the echo example).
// Exposed on window.opencalls so tests can drive two pages (one pushes, one pulls).

async function loadConfig() {
  const res = await fetch('/demo/config');
  if (!res.ok) throw new Error('demo config unavailable: start the server with the demo enabled');
  return res.json();
}

function apiFor(cfg) {
  return async function api(method, path, body) {
    const res = await fetch(`/v1/apps/${cfg.appId}${path}`, {
      method,
      headers: { Authorization: `Bearer ${cfg.secret}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (json.errorCode) throw new Error(`${method} ${path}: ${json.errorCode} ${json.errorDescription}`);
    return json;
  };
}

function waitFor(pc, predicate, what, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    if (predicate(pc)) return resolve();
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
    const check = () => {
      if (predicate(pc)) {
        clearTimeout(timer);
        resolve();
      }
    };
    pc.addEventListener('iceconnectionstatechange', check);
    pc.addEventListener('connectionstatechange', check);
    pc.addEventListener('signalingstatechange', check);
  });
}

/** Pushes camera + microphone; returns { sessionId, tracks: [{trackName, kind}] }. */
export async function push(stream) {
  const cfg = await loadConfig();
  const api = apiFor(cfg);
  const { sessionId } = await api('POST', '/sessions/new');
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  const transceivers = stream.getTracks().map((track) => pc.addTransceiver(track, { direction: 'sendonly' }));
  await pc.setLocalDescription(await pc.createOffer());
  const res = await api('POST', `/sessions/${sessionId}/tracks/new`, {
    sessionDescription: { type: 'offer', sdp: pc.localDescription.sdp },
    tracks: transceivers.map((t) => ({ location: 'local', mid: t.mid, trackName: t.sender.track.id })),
  });
  await pc.setRemoteDescription(res.sessionDescription);
  await waitFor(pc, (p) => p.connectionState === 'connected', 'the push PeerConnection to connect');
  return {
    pc,
    sessionId,
    tracks: transceivers.map((t) => ({ trackName: t.sender.track.id, kind: t.sender.track.kind })),
  };
}

/** Pulls tracks of another session; returns { pc, sessionId, stream, pulledAt }. */
export async function pull(remoteSessionId, trackNames) {
  const cfg = await loadConfig();
  const api = apiFor(cfg);
  const { sessionId } = await api('POST', '/sessions/new');
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  const stream = new MediaStream();
  pc.addEventListener('track', (e) => stream.addTrack(e.track));
  const res = await api('POST', `/sessions/${sessionId}/tracks/new`, {
    tracks: trackNames.map((trackName) => ({ location: 'remote', sessionId: remoteSessionId, trackName })),
  });
  if (res.requiresImmediateRenegotiation) {
    await pc.setRemoteDescription(res.sessionDescription);
    await pc.setLocalDescription(await pc.createAnswer());
    await api('PUT', `/sessions/${sessionId}/renegotiate`, {
      sessionDescription: { type: 'answer', sdp: pc.localDescription.sdp },
    });
  }
  const answeredAt = performance.now();
  return { pc, sessionId, stream, answeredAt, tracks: res.tracks };
}

/** Inbound video/audio stats of a pulling PeerConnection. */
export async function inboundStats(pc) {
  const report = await pc.getStats();
  const out = { video: null, audio: null };
  report.forEach((s) => {
    if (s.type !== 'inbound-rtp') return;
    if (s.kind === 'video') {
      out.video = {
        framesDecoded: s.framesDecoded ?? 0,
        frameWidth: s.frameWidth ?? 0,
        frameHeight: s.frameHeight ?? 0,
        packetsReceived: s.packetsReceived ?? 0,
        bytesReceived: s.bytesReceived ?? 0,
      };
    } else if (s.kind === 'audio') {
      out.audio = { packetsReceived: s.packetsReceived ?? 0, bytesReceived: s.bytesReceived ?? 0 };
    }
  });
  return out;
}

window.opencalls = { push, pull, inboundStats, loadConfig };

/**
 * Closes tracks of a push or pull handle the partytracks way: stop the transceivers, make an offer,
 * `PUT tracks/close` with `{tracks:[{mid}], sessionDescription: offer, force: false}`, then apply
 * the SFU's answer. Returns the response body.
 */
export async function closeTracks(handle, mids) {
  const cfg = await loadConfig();
  const api = apiFor(cfg);
  const { pc, sessionId } = handle;
  for (const t of pc.getTransceivers()) if (mids.includes(t.mid)) t.stop();
  await pc.setLocalDescription(await pc.createOffer());
  const res = await api('PUT', `/sessions/${sessionId}/tracks/close`, {
    tracks: mids.map((mid) => ({ mid })),
    sessionDescription: { type: 'offer', sdp: pc.localDescription.sdp },
    force: false,
  });
  await pc.setRemoteDescription(res.sessionDescription);
  return res;
}

/** Each transceiver of a PeerConnection: mid, kind, direction, currentDirection. */
export function transceiverStates(pc) {
  return pc.getTransceivers().map((t) => ({
    mid: t.mid,
    kind: t.receiver.track.kind,
    direction: t.direction,
    currentDirection: t.currentDirection,
  }));
}

Object.assign(window.opencalls, { closeTracks, transceiverStates });
