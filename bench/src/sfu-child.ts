/**
 * The SFU under test, in its own process so its CPU (all threads, native ones included) and
 * memory can be read from /proc. Config comes as JSON in OPENCALLS_BENCH_CONFIG; the first line
 * on stdout is `{"url": …, "pid": …}`. Each `counters` line on stdin is answered with one JSON
 * line of the native engine's counters (`{}` on engine werift). Exits when stdin closes.
 */
import { createInterface } from 'node:readline';
import { createSfu } from '@opencalls/sfu';

const input = JSON.parse(process.env.OPENCALLS_BENCH_CONFIG ?? '{}');
const sfu = createSfu({ ...input, demo: false, logLevel: 'silent' });
const { url } = await sfu.listen();
process.stdout.write(`${JSON.stringify({ url, pid: process.pid })}\n`);
const commands = createInterface({ input: process.stdin });
commands.on('line', (line) => {
  if (line.trim() === 'counters') process.stdout.write(`${JSON.stringify(sfu.service.engine.counters()?.native ?? {})}\n`);
});
commands.on('close', () => {
  void sfu.close().then(() => process.exit(0));
});
