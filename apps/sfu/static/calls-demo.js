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
        packetsLost: s.packetsLost ?? 0,
        nackCount: s.nackCount ?? 0,
        pliCount: s.pliCount ?? 0,
        keyFramesDecoded: s.keyFramesDecoded ?? 0,
      };
    } else if (s.kind === 'audio') {
      out.audio = { packetsReceived: s.packetsReceived ?? 0, bytesReceived: s.bytesReceived ?? 0 };
    }
  });
  return out;
}

window.opencalls = { push, pull, inboundStats, loadConfig, apiFor };

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

// ── simulcast (calls-api.md §3.2 item 7, §3.4, §6.2) ──────────────────────────────────────────

/**
 * Pushes one video track with simulcast, the echo-simulcast way: `sendEncodings` with rids (by
 * default f/h/q at scaleResolutionDownBy 1/2/4). Returns { pc, sessionId, trackName, mid }.
 */
export async function pushSimulcast(track, encodings = [
  { rid: 'f', scaleResolutionDownBy: 1 },
  { rid: 'h', scaleResolutionDownBy: 2 },
  { rid: 'q', scaleResolutionDownBy: 4 },
]) {
  const cfg = await loadConfig();
  const api = apiFor(cfg);
  const { sessionId } = await api('POST', '/sessions/new');
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  const transceiver = pc.addTransceiver(track, { direction: 'sendonly', sendEncodings: encodings });
  await pc.setLocalDescription(await pc.createOffer());
  const res = await api('POST', `/sessions/${sessionId}/tracks/new`, {
    sessionDescription: { type: 'offer', sdp: pc.localDescription.sdp },
    tracks: [{ location: 'local', mid: transceiver.mid, trackName: track.id }],
  });
  await pc.setRemoteDescription(res.sessionDescription);
  await waitFor(pc, (p) => p.connectionState === 'connected', 'the push PeerConnection to connect');
  return { pc, sessionId, trackName: track.id, mid: transceiver.mid };
}

/**
 * Pulls one track with `simulcast` preferences (e.g. { preferredRid: 'h' }) on a new session.
 * Returns { pc, sessionId, mid, stream, item } (item = the response's track).
 */
export async function pullSimulcast(remoteSessionId, trackName, simulcast) {
  const cfg = await loadConfig();
  const api = apiFor(cfg);
  const { sessionId } = await api('POST', '/sessions/new');
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  const stream = new MediaStream();
  pc.addEventListener('track', (e) => stream.addTrack(e.track));
  const res = await api('POST', `/sessions/${sessionId}/tracks/new`, {
    tracks: [{ location: 'remote', sessionId: remoteSessionId, trackName, ...(simulcast ? { simulcast } : {}) }],
  });
  await pc.setRemoteDescription(res.sessionDescription);
  await pc.setLocalDescription(await pc.createAnswer());
  await api('PUT', `/sessions/${sessionId}/renegotiate`, {
    sessionDescription: { type: 'answer', sdp: pc.localDescription.sdp },
  });
  const item = res.tracks[0];
  return { pc, sessionId, mid: item.mid, stream, item };
}

/** `PUT tracks/update` with `{ tracks }`; returns the response body. */
export async function updateTracks(sessionId, tracks) {
  const cfg = await loadConfig();
  return apiFor(cfg)('PUT', `/sessions/${sessionId}/tracks/update`, { tracks });
}

/** The simulcast sender's layers as it encodes them: [{ rid, frameWidth, frameHeight, framesEncoded, bytesSent }]. */
export async function outboundLayers(pc) {
  const report = await pc.getStats();
  const out = [];
  report.forEach((s) => {
    if (s.type !== 'outbound-rtp' || s.kind !== 'video') return;
    out.push({
      rid: s.rid ?? '',
      frameWidth: s.frameWidth ?? 0,
      frameHeight: s.frameHeight ?? 0,
      framesEncoded: s.framesEncoded ?? 0,
      bytesSent: s.bytesSent ?? 0,
      qualityLimitationReason: s.qualityLimitationReason ?? '',
    });
  });
  return out.sort((a, b) => (a.rid < b.rid ? -1 : a.rid > b.rid ? 1 : 0));
}

/** The received video of a pulling PeerConnection: { ssrc, frameWidth, frameHeight, framesDecoded, keyFramesDecoded, packetsReceived } or null. */
export async function inboundVideo(pc) {
  const report = await pc.getStats();
  let out = null;
  report.forEach((s) => {
    if (s.type !== 'inbound-rtp' || s.kind !== 'video') return;
    out = {
      ssrc: s.ssrc,
      frameWidth: s.frameWidth ?? 0,
      frameHeight: s.frameHeight ?? 0,
      framesDecoded: s.framesDecoded ?? 0,
      keyFramesDecoded: s.keyFramesDecoded ?? 0,
      packetsReceived: s.packetsReceived ?? 0,
    };
  });
  return out;
}

Object.assign(window.opencalls, { pushSimulcast, pullSimulcast, updateTracks, outboundLayers, inboundVideo });

// ── DataChannels (calls-api.md §3.7, §6.3) ───────────────────────────────────────────────────

const SERVER_EVENTS = { location: 'remote', dataChannelName: 'server-events' };

/**
 * A session whose DataChannel transport comes from `datachannels/establish`: the SFU offers an
 * m=application section, the page answers on `PUT renegotiate` and opens `server-events` on the
 * id the SFU gave. Returns { pc, sessionId, serverEvents }.
 */
export async function dataSession() {
  const cfg = await loadConfig();
  const api = apiFor(cfg);
  const { sessionId } = await api('POST', '/sessions/new');
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  const res = await api('POST', `/sessions/${sessionId}/datachannels/establish`, { dataChannel: SERVER_EVENTS });
  if (!res.requiresImmediateRenegotiation) throw new Error('datachannels/establish: expected an SFU offer');
  await pc.setRemoteDescription(res.sessionDescription);
  await pc.setLocalDescription(await pc.createAnswer());
  await api('PUT', `/sessions/${sessionId}/renegotiate`, {
    sessionDescription: { type: 'answer', sdp: pc.localDescription.sdp },
  });
  const serverEvents = pc.createDataChannel('server-events', { negotiated: true, id: res.dataChannel.id });
  await waitFor(pc, (p) => p.connectionState === 'connected', 'the data PeerConnection to connect');
  return { pc, sessionId, serverEvents };
}

/**
 * The legacy way (echo-datachannels): `createDataChannel("server-events")` (the browser picks its
 * id), then `sessions/new` with the offer. Returns { pc, sessionId, serverEvents }.
 */
export async function legacyDataSession() {
  const cfg = await loadConfig();
  const api = apiFor(cfg);
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  const serverEvents = pc.createDataChannel('server-events');
  await pc.setLocalDescription(await pc.createOffer());
  const { sessionId, sessionDescription } = await api('POST', '/sessions/new', {
    sessionDescription: { type: 'offer', sdp: pc.localDescription.sdp },
  });
  await pc.setRemoteDescription(sessionDescription);
  await waitFor(pc, (p) => p.connectionState === 'connected', 'the data PeerConnection to connect');
  await waitForChannel(serverEvents);
  return { pc, sessionId, serverEvents };
}

/**
 * `datachannels/new` with one item (local: publish; remote: subscribe), then the page's end:
 * `createDataChannel(label, {negotiated: true, id})` with the item's delivery policy. Waits for
 * `open`. Returns { channel, id, item } (item = the response's data channel).
 */
export async function openDataChannel(session, request, label = request.dataChannelName) {
  const cfg = await loadConfig();
  const res = await apiFor(cfg)('POST', `/sessions/${session.sessionId}/datachannels/new`, { dataChannels: [request] });
  const item = res.dataChannels[0];
  if (item.errorCode) throw new Error(`datachannels/new: ${item.errorCode} ${item.errorDescription}`);
  const policy = {};
  for (const key of ['ordered', 'maxRetransmits', 'maxPacketLifeTime']) if (request[key] !== undefined) policy[key] = request[key];
  const channel = session.pc.createDataChannel(label, { negotiated: true, id: item.id, ...policy });
  channel.binaryType = 'arraybuffer';
  await waitForChannel(channel);
  return { channel, id: item.id, item };
}

/** `PUT datachannels/update` with `{ dataChannels }`; returns the response body. */
export async function updateDataChannels(sessionId, dataChannels) {
  const cfg = await loadConfig();
  return apiFor(cfg)('PUT', `/sessions/${sessionId}/datachannels/update`, { dataChannels });
}

/** `PUT datachannels/close` with the ids; returns the response body (items may carry close_track_error). */
export async function closeDataChannels(sessionId, ids) {
  const cfg = await loadConfig();
  const res = await fetch(`/v1/apps/${cfg.appId}/sessions/${sessionId}/datachannels/close`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${cfg.secret}` },
    body: JSON.stringify({ dataChannels: ids.map((id) => ({ id })) }),
  });
  return res.json();
}

/** Everything `channel` receives from now on, in order: strings, and binary as Uint8Array. */
export function recordMessages(channel) {
  const messages = [];
  channel.addEventListener('message', (e) => {
    messages.push(typeof e.data === 'string' ? e.data : new Uint8Array(e.data));
  });
  return messages;
}

function waitForChannel(channel, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    if (channel.readyState === 'open') return resolve();
    const timer = setTimeout(() => reject(new Error(`data channel ${channel.label} did not open`)), timeoutMs);
    channel.addEventListener('open', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

Object.assign(window.opencalls, {
  dataSession,
  legacyDataSession,
  openDataChannel,
  updateDataChannels,
  closeDataChannels,
  recordMessages,
});
