import type { LatencySummary } from './stats.js';
import type { ScenarioResult } from './scenario.js';

const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '—');

/** The comparison table printed at the end of `pnpm bench`. */
export function table(results: readonly ScenarioResult[], baseline: LatencySummary): string {
  const head = [
    'engine', 'scenario', 'subs', 'fwd pps', 'loss %', 'SFU cores', 'CPU µs/pkt', 'kernel %', 'GSO %', 'STUN→JS/s', 'lat p50 ms', 'lat p99 ms', 'added p99 ms', 'RSS/session KiB',
  ];
  const rows = results.map((r) => [
    r.engine,
    r.label,
    String(r.subscriptions),
    fmt(r.forwardedPps, 0),
    fmt(r.loss * 100, 2),
    fmt(r.sfuCpuCores, 2),
    fmt(r.cpuUsPerForwardedPacket, 2),
    fmt(r.systemCpuShare * 100, 0),
    fmt(r.gsoShare * 100, 0),
    fmt(r.stunToJsPerSecond, 0),
    fmt(r.latencyMs.p50, 2),
    fmt(r.latencyMs.p99, 2),
    fmt(r.latencyMs.p99 - baseline.p99, 2),
    fmt(r.rssPerSessionKiB, 0),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Per scenario: engine `over`'s CPU per packet (werift by default) divided by the native one's. */
export function ratios(results: readonly ScenarioResult[], over = 'werift'): { label: string; ratio: number }[] {
  const out: { label: string; ratio: number }[] = [];
  for (const w of results.filter((r) => r.engine === over)) {
    const n = results.find((r) => r.engine === 'native' && r.label === w.label);
    if (n) out.push({ label: w.label, ratio: w.cpuUsPerForwardedPacket / n.cpuUsPerForwardedPacket });
  }
  return out;
}

/** An SVG bar chart (log scale) of CPU-µs per forwarded packet, engines side by side. */
export function svgChart(results: readonly ScenarioResult[]): string {
  const labels = [...new Set(results.map((r) => r.label))];
  const engines = [...new Set(results.map((r) => r.engine))];
  const colors: Record<string, string> = { native: '#f38020', 'native-nogso': '#f7b27a', werift: '#4a78c2' };
  const W = 760, H = 360, left = 70, bottom = 60, top = 40;
  const plotH = H - top - bottom;
  const values = results.map((r) => r.cpuUsPerForwardedPacket).filter((v) => Number.isFinite(v) && v > 0);
  const maxLog = Math.ceil(Math.log10(Math.max(10, ...values)));
  const minLog = Math.floor(Math.log10(Math.min(1, ...values)));
  const y = (v: number): number => top + plotH - ((Math.log10(v) - minLog) / (maxLog - minLog)) * plotH;
  const groupW = (W - left - 20) / labels.length;
  const barW = Math.min(40, (groupW - 16) / engines.length);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">SFU CPU-µs per forwarded packet (log scale, lower is better)</text>`,
  ];
  for (let e = minLog; e <= maxLog; e++) {
    const v = 10 ** e;
    parts.push(`<line x1="${left}" x2="${W - 20}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text>`);
  }
  labels.forEach((label, g) => {
    const x0 = left + g * groupW + 8;
    engines.forEach((engine, k) => {
      const r = results.find((x) => x.label === label && x.engine === engine);
      if (!r || !(r.cpuUsPerForwardedPacket > 0)) return;
      const x = x0 + k * barW;
      const yy = y(r.cpuUsPerForwardedPacket);
      parts.push(`<rect x="${x}" y="${yy}" width="${barW - 2}" height="${top + plotH - yy}" fill="${colors[engine] ?? '#888'}"/>`);
      parts.push(`<text x="${x + barW / 2 - 1}" y="${yy - 3}" text-anchor="middle" font-size="10">${fmt(r.cpuUsPerForwardedPacket, 1)}</text>`);
    });
    parts.push(`<text x="${x0 + (engines.length * barW) / 2}" y="${H - bottom + 18}" text-anchor="middle">${label}</text>`);
  });
  engines.forEach((engine, k) => {
    parts.push(`<rect x="${left + k * 110}" y="${H - 24}" width="12" height="12" fill="${colors[engine] ?? '#888'}"/>`);
    parts.push(`<text x="${left + k * 110 + 18}" y="${H - 14}">${engine}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
