import type { RTCPeerConnection } from 'werift';
import { countOn, type SubscriberCounter } from './load/counting-subscriber.js';
import { syntheticPublisher, type MediaRates, type SyntheticPublisher } from './load/synthetic-media.js';
import { Api, loopbackPeer, pool, waitFor } from './peers.js';
import { startSfuProcess } from './sfu-process.js';
import { summarize, type LatencySummary } from './stats.js';

export const BENCH_APP = { appId: 'bench-app', secret: 'bench-secret' } as const;

export interface ScenarioSpec {
  readonly label: string;
  /** Publishers, each pushing video + audio. */
  readonly publishers: number;
  /** Subscriber sessions; each pulls every publisher except the one with the same index (room) or all (fan-out). */
  readonly subscribers: number;
  /** Room: subscriber i skips publisher i (a participant does not pull itself). */
  readonly room: boolean;
}

export interface ScenarioResult {
  readonly engine: string;
  readonly label: string;
  readonly publishers: number;
  readonly subscribers: number;
  readonly subscriptions: number;
  readonly seconds: number;
  readonly packetsExpected: number;
  readonly packetsForwarded: number;
  readonly forwardedPps: number;
  readonly loss: number;
  readonly sfuCpuCores: number;
  readonly cpuUsPerForwardedPacket: number;
  /** The share of the SFU's CPU spent in the kernel (sockets; on loopback also the receivers' side). */
  readonly systemCpuShare: number;
  readonly latencyMs: LatencySummary;
  readonly rssPerSessionKiB: number;
  readonly setupSeconds: number;
  /** Engine native: of the datagrams it sent in the window, the share sent as UDP GSO segments. */
  readonly gsoShare: number;
  /** Engine native: STUN datagrams handed to werift per second in the window (ICE consent checks). */
  readonly stunToJsPerSecond: number;
}

export interface RunOptions {
  readonly engine: string;
  readonly seconds: number;
  readonly rates: MediaRates;
  readonly log: (line: string) => void;
}

/** One measurement: a fresh SFU process, publishers, subscribers, a window of steady state. */
export async function runScenario(spec: ScenarioSpec, opts: RunOptions): Promise<ScenarioResult> {
  const sfu = await startSfuProcess({ host: '127.0.0.1', port: 0, apps: [BENCH_APP], media: mediaConfig(opts.engine) });
  const api = new Api(sfu.url, BENCH_APP.appId, BENCH_APP.secret);
  const pcs: RTCPeerConnection[] = [];
  const publishers: SyntheticPublisher[] = [];
  const setupStart = performance.now();
  try {
    const rss0 = sfu.rssBytes();
    const pubSessions = await pool(range(spec.publishers), 4, async () => {
      const pc = loopbackPeer();
      pcs.push(pc);
      const pub = syntheticPublisher(pc, opts.rates);
      publishers.push(pub);
      const { sessionId } = await api.call<{ sessionId: string }>('POST', '/sessions/new');
      await pc.setLocalDescription(await pc.createOffer());
      const res = await api.call<{ sessionDescription: { type: 'answer'; sdp: string } }>('POST', `/sessions/${sessionId}/tracks/new`, {
        sessionDescription: { type: 'offer', sdp: pc.localDescription!.sdp },
        tracks: [
          { location: 'local', mid: pub.video.mid, trackName: 'video' },
          { location: 'local', mid: pub.audio.mid, trackName: 'audio' },
        ],
      });
      await pc.setRemoteDescription(res.sessionDescription);
      await pc.connectionStateChange.watch((s) => s === 'connected', 15_000);
      pub.start();
      return sessionId;
    });

    let connected = 0;
    const counters = await pool(range(spec.subscribers), 8, async (i) => {
      const pc = loopbackPeer();
      pcs.push(pc);
      const { sessionId } = await api.call<{ sessionId: string }>('POST', '/sessions/new');
      const wanted = pubSessions.filter((_, p) => !(spec.room && p === i));
      const tracks = wanted.flatMap((s) => [
        { location: 'remote', sessionId: s, trackName: 'video' },
        { location: 'remote', sessionId: s, trackName: 'audio' },
      ]);
      const res = await api.call<{ sessionDescription: { type: 'offer'; sdp: string } }>('POST', `/sessions/${sessionId}/tracks/new`, { tracks });
      await pc.setRemoteDescription(res.sessionDescription);
      const counter = countOn(pc);
      counter.recording = true;
      await pc.setLocalDescription(await pc.createAnswer());
      await api.call('PUT', `/sessions/${sessionId}/renegotiate`, { sessionDescription: { type: 'answer', sdp: pc.localDescription!.sdp } });
      await pc.connectionStateChange.watch((s) => s === 'connected', 20_000);
      connected++;
      if (connected % 25 === 0) opts.log(`    ${connected}/${spec.subscribers} subscribers connected`);
      return { counter, pulls: wanted.length };
    });
    const subscriptions = counters.reduce((n, c) => n + c.pulls, 0);
    await waitFor(() => counters.every((c) => c.counter.packets > 0), 20_000, 'media at every subscriber');
    await new Promise((r) => setTimeout(r, 1500)); // past the first keyframe everywhere
    const rss1 = sfu.rssBytes();
    const setupSeconds = (performance.now() - setupStart) / 1000;

    // The window: counters reset, publishers keep sending for `seconds`, then stop; drain.
    for (const { counter } of counters) {
      counter.packets = 0;
      counter.bytes = 0;
      counter.latencies.length = 0;
    }
    const sent0 = publishers.map((p) => p.sent.video + p.sent.audio);
    const native0 = await sfu.counters();
    const cpu0 = sfu.cpuNs();
    const split0 = sfu.cpuSplit();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, opts.seconds * 1000));
    for (const p of publishers) p.stop();
    const t1 = performance.now();
    await new Promise((r) => setTimeout(r, 400));
    const cpu1 = sfu.cpuNs();
    const split1 = sfu.cpuSplit();
    const native1 = await sfu.counters();
    const delta = (name: string): number => (native1[name] ?? Number.NaN) - (native0[name] ?? Number.NaN);
    const userS = split1.user - split0.user;
    const systemS = split1.system - split0.system;
    const sentPerPublisher = publishers.map((p, i) => p.sent.video + p.sent.audio - sent0[i]!);
    const packetsExpected = counters.reduce((sum, _c, i) => {
      return sum + sentPerPublisher.reduce((s, n, p) => s + (spec.room && p === i ? 0 : n), 0);
    }, 0);
    const packetsForwarded = counters.reduce((n, c) => n + c.counter.packets, 0);
    const windowSeconds = (t1 - t0) / 1000;
    const cpuNs = cpu1 - cpu0;
    const latencies = counters.flatMap((c: { counter: SubscriberCounter }) => c.counter.latencies);
    return {
      engine: opts.engine,
      label: spec.label,
      publishers: spec.publishers,
      subscribers: spec.subscribers,
      subscriptions,
      seconds: windowSeconds,
      packetsExpected,
      packetsForwarded,
      forwardedPps: packetsForwarded / windowSeconds,
      loss: packetsExpected > 0 ? Math.max(0, 1 - packetsForwarded / packetsExpected) : 0,
      sfuCpuCores: cpuNs / 1e9 / ((t1 - t0 + 400) / 1000),
      cpuUsPerForwardedPacket: packetsForwarded > 0 ? cpuNs / 1000 / packetsForwarded : Number.NaN,
      systemCpuShare: userS + systemS > 0 ? systemS / (userS + systemS) : Number.NaN,
      latencyMs: summarize(latencies),
      rssPerSessionKiB: (rss1 - rss0) / 1024 / (spec.publishers + spec.subscribers),
      setupSeconds,
      gsoShare: delta('txCoalesced') / delta('txDatagrams'),
      stunToJsPerSecond: delta('stunToJs') / ((t1 - t0 + 400) / 1000),
    };
  } finally {
    for (const p of publishers) p.stop();
    await Promise.all(pcs.map((pc) => pc.close().catch(() => undefined)));
    await sfu.stop();
  }
}

/** `native-nogso` is engine native with UDP GSO off, to show what GSO saves in the same run. */
export function mediaConfig(engine: string): Record<string, unknown> {
  return engine === 'native-nogso' ? { engine: 'native', udpGso: false } : { engine };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
