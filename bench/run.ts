/**
 * `pnpm bench`: the werift and native media engines on the same workload, in one run, on
 * loopback. One publisher (≈1 Mbit/s VP8-shaped video + Opus-sized audio) fanned out to N
 * subscribers, and a 10×10 room. Prints a table; writes bench/out/results.json and .svg.
 *
 *   pnpm bench [--engines werift,native-nogso,native] [--fanout 1,10,50,100,200] [--room 10] [--seconds 5]
 *
 * `native-nogso` is engine native with UDP GSO turned off (config media.udpGso = false).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { measureDirectLatency } from './src/baseline.js';
import { installCountingReceivePath } from './src/load/counting-subscriber.js';
import { DEFAULT_RATES } from './src/load/synthetic-media.js';
import { ratios, svgChart, table } from './src/report.js';
import { runScenario, type ScenarioResult, type ScenarioSpec } from './src/scenario.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    engines: { type: 'string', default: 'werift,native-nogso,native' },
    fanout: { type: 'string', default: '1,10,50,100,200' },
    room: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '5' },
    out: { type: 'string', default: new URL('./out/', import.meta.url).pathname },
  },
});
const engines = values.engines.split(',').filter(Boolean);
const fanout = values.fanout.split(',').filter(Boolean).map(Number);
const room = Number(values.room);
const seconds = Number(values.seconds);
const log = (line: string): void => console.log(line);

installCountingReceivePath();
const specs: ScenarioSpec[] = [
  ...fanout.map((n) => ({ label: `1→${n}`, publishers: 1, subscribers: n, room: false })),
  ...(room > 1 ? [{ label: `room ${room}×${room}`, publishers: room, subscribers: room, room: true }] : []),
];

log(`OpenCalls bench: engines ${engines.join(', ')}; ${specs.length} scenarios × ${seconds} s each`);
log('measuring the direct (no SFU) latency baseline…');
const baseline = await measureDirectLatency(DEFAULT_RATES, Math.min(seconds, 3));
log(`  direct p50 ${baseline.p50.toFixed(2)} ms, p99 ${baseline.p99.toFixed(2)} ms`);

const results: ScenarioResult[] = [];
const failures: string[] = [];
let step = 0;
for (const spec of specs) {
  for (const engine of engines) {
    step++;
    log(`[${step}/${specs.length * engines.length}] ${engine} ${spec.label} …`);
    try {
      const r = await runScenario(spec, { engine, seconds, rates: DEFAULT_RATES, log });
      results.push(r);
      log(
        `  ${r.forwardedPps.toFixed(0)} pps forwarded, loss ${(r.loss * 100).toFixed(2)} %, ` +
          `${r.cpuUsPerForwardedPacket.toFixed(2)} CPU-µs/pkt, p99 ${r.latencyMs.p99.toFixed(2)} ms (setup ${r.setupSeconds.toFixed(1)} s)`,
      );
    } catch (error) {
      const msg = `${engine} ${spec.label}: ${error instanceof Error ? error.message : String(error)}`;
      failures.push(msg);
      log(`  FAILED ${msg}`);
    }
  }
}

log('');
log(table(results, baseline));
for (const { label, ratio } of ratios(results)) log(`werift ÷ native CPU per packet, ${label}: ${ratio.toFixed(1)}×`);
for (const { label, ratio } of ratios(results, 'native-nogso')) log(`native without GSO ÷ native CPU per packet, ${label}: ${ratio.toFixed(2)}×`);
mkdirSync(values.out, { recursive: true });
const json = {
  date: new Date().toISOString(),
  rates: DEFAULT_RATES,
  seconds,
  baseline,
  results,
  ratios: ratios(results),
  gsoRatios: ratios(results, 'native-nogso'),
  failures,
};
writeFileSync(`${values.out}/results.json`, `${JSON.stringify(json, null, 2)}\n`);
writeFileSync(`${values.out}/results.svg`, svgChart(results));
log(`wrote ${values.out}results.json and results.svg`);
if (failures.length) {
  log(`${failures.length} scenario(s) failed`);
  process.exitCode = 1;
}
process.exit();
