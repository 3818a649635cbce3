/**
 * The SFU under test, in its own process so its CPU (all threads, native ones included) and
 * memory can be read from /proc. Config comes as JSON in OPENCALLS_BENCH_CONFIG; the first line
 * on stdout is `{"url": …, "pid": …}`. Exits when stdin closes.
 */
import { createSfu } from '@opencalls/sfu';

const input = JSON.parse(process.env.OPENCALLS_BENCH_CONFIG ?? '{}');
const sfu = createSfu({ ...input, demo: false, logLevel: 'silent' });
const { url } = await sfu.listen();
process.stdout.write(`${JSON.stringify({ url, pid: process.pid })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void sfu.close().then(() => process.exit(0));
});
