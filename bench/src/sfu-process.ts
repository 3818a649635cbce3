import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface SfuProcess {
  readonly url: string;
  readonly pid: number;
  /** CPU time of every thread of the process, in nanoseconds (from /proc/<pid>/task/<tid>/schedstat). */
  cpuNs(): number;
  /** User and system CPU seconds of the whole process (/proc/<pid>/stat, clock ticks of 10 ms). */
  cpuSplit(): { user: number; system: number };
  /** Resident set size in bytes (VmRSS). */
  rssBytes(): number;
  /** The native engine's counters by name (empty on engine werift). */
  counters(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./sfu-child.ts', import.meta.url));

/** Starts the SFU with `config` in a child process; rejects if it does not come up in 20 s. */
export function startSfuProcess(config: Record<string, unknown>): Promise<SfuProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--conditions=@opencalls/source', '--import', 'tsx', CHILD], {
    env: { ...process.env, OPENCALLS_BENCH_CONFIG: JSON.stringify(config) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('SFU child did not start within 20 s'));
    }, 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`SFU child exited with code ${code}`));
    });
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      const { url, pid } = JSON.parse(line) as { url: string; pid: number };
      child.removeAllListeners('exit');
      resolve({
        url,
        pid,
        cpuNs: () => processCpuNs(pid),
        cpuSplit: () => processCpuSplit(pid),
        rssBytes: () => processRssBytes(pid),
        counters: () =>
          new Promise((answer) => {
            lines.once('line', (reply) => answer(JSON.parse(reply) as Record<string, number>));
            child.stdin!.write('counters\n');
          }),
        stop: () =>
          new Promise<void>((done) => {
            const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
            child.once('exit', () => {
              clearTimeout(kill);
              done();
            });
            child.stdin!.end();
          }),
      });
    });
  });
}

function processCpuNs(pid: number): number {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended between readdir and read
    }
  }
  return total;
}

const CLOCK_TICKS_PER_SECOND = 100;

function processCpuSplit(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of proc(5), counted from after the command name (which starts at field 3).
  return { user: Number(fields[11]) / CLOCK_TICKS_PER_SECOND, system: Number(fields[12]) / CLOCK_TICKS_PER_SECOND };
}

function processRssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}
