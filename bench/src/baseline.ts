import { countOn } from './load/counting-subscriber.js';
import { syntheticPublisher, type MediaRates } from './load/synthetic-media.js';
import { loopbackPeer, waitFor } from './peers.js';
import { summarize, type LatencySummary } from './stats.js';

/**
 * The same publisher and counting subscriber connected directly (no SFU): the latency of the
 * measuring apparatus itself. "Added latency" of an engine is its latency minus this.
 */
export async function measureDirectLatency(rates: MediaRates, seconds: number): Promise<LatencySummary> {
  const pubPc = loopbackPeer();
  const subPc = loopbackPeer();
  const pub = syntheticPublisher(pubPc, rates);
  try {
    await pubPc.setLocalDescription(await pubPc.createOffer());
    await subPc.setRemoteDescription(pubPc.localDescription!);
    const counter = countOn(subPc);
    await subPc.setLocalDescription(await subPc.createAnswer());
    await pubPc.setRemoteDescription(subPc.localDescription!);
    await pubPc.connectionStateChange.watch((s) => s === 'connected', 15_000);
    pub.start();
    counter.recording = true;
    await waitFor(() => counter.packets > 0, 10_000, 'direct media');
    counter.latencies.length = 0;
    await new Promise((r) => setTimeout(r, seconds * 1000));
    return summarize(counter.latencies);
  } finally {
    pub.stop();
    await pubPc.close();
    await subPc.close();
  }
}
