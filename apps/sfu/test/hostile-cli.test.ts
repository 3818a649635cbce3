import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { createSfu } from '../src/index.js';

/**
 * The CLI as a new user meets it: README's `pnpm start -- --help`, and start-up mistakes (a broken
 * config file, a bind address this host does not have) that must end in one clear line naming the
 * setting, not a stack trace or a crash at the first call.
 */
const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Not on any interface of a test machine (TEST-NET-3, RFC 5737); binding to it sends nothing. */
const FOREIGN_ADDRESS = '203.0.113.77';

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runCli(args: readonly string[]): Promise<CliRun> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OPENCALLS_')));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=@opencalls/source', '--import', 'tsx', CLI, ...args],
      { cwd: REPO_ROOT, env, timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('opencalls CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'opencalls-cli-'));
  const configFile = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const start = ['--port', '0', '--no-demo', '--log-level', 'silent'];

  test('`pnpm start -- --help` (a leading `--`) prints the help and exits 0', async () => {
    const run = await runCli(['--', '--help']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^opencalls — /);
    expect(run.stdout).toContain('--port N');
  });

  test('a config file that is not JSON: one line naming the file and the parse error', async () => {
    const file = configFile('broken.json', '{"port": 8787,\n');
    const run = await runCli([...start, '--config', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^opencalls: config file ${escape(file)}: not valid JSON \\(.+\\)\\n$`));
  });

  test('a config file holding null or an array: names the file, says an object is needed', async () => {
    for (const text of ['null', '[1, 2]']) {
      const file = configFile('not-object.json', text);
      const run = await runCli([...start, '--config', file]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(new RegExp(`^opencalls: config file ${escape(file)}: must hold a JSON object`));
    }
  });

  test('a config file that cannot be read: names the file', async () => {
    const file = join(dir, 'missing.json');
    const run = await runCli([...start, '--config', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^opencalls: config file ${escape(file)}: cannot read it \\(ENOENT`));
  });

  test('media.announcedAddresses given as a string: names the field (was "….join is not a function")', async () => {
    const file = configFile('announce.json', JSON.stringify({ media: { announcedAddresses: '127.0.0.1' } }));
    const run = await runCli([...start, '--config', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('opencalls: config.media.announcedAddresses must be a list of addresses, got "127.0.0.1"\n');
  });

  test('--bind that is not an IP address: refused at start (was a DNS lookup and a crash at the first push)', async () => {
    const run = await runCli([...start, '--bind', '999.1.1.1']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('opencalls: config.media.bindAddress must be an IP address of this host (or 0.0.0.0 / ::), got "999.1.1.1"\n');
  });

  test('--bind to an address this host does not have (werift engine): refused at start (was EADDRNOTAVAIL crashing the server at the first push)', async () => {
    const run = await runCli([...start, '--engine', 'werift', '--bind', FOREIGN_ADDRESS]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^opencalls: media bind address ${escape(FOREIGN_ADDRESS)} cannot be used on this host \\(EADDRNOTAVAIL\\)`));
    expect(run.stdout).not.toContain('listening');
  });

  test('--bind to an address this host does not have (engine native): the same message naming the setting (was "socket: Cannot assign requested address")', async () => {
    const run = await runCli([...start, '--bind', FOREIGN_ADDRESS]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^opencalls: media bind address ${escape(FOREIGN_ADDRESS)} cannot be used on this host \\(.*\\): set --bind / OPENCALLS_BIND`));
    expect(run.stdout).not.toContain('listening');
  });

  test('as a library too: listen() rejects for a foreign bind address, and the server is not left half-started', async () => {
    const sfu = createSfu({ host: '127.0.0.1', port: 0, logLevel: 'silent', media: { bindAddress: FOREIGN_ADDRESS, engine: 'werift' } });
    try {
      await expect(sfu.listen()).rejects.toThrow(/media bind address 203\.0\.113\.77 cannot be used on this host/);
    } finally {
      await sfu.close();
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
