/**
 * Checks a client's SDP before werift sees it. werift accepts much garbage silently, and some of
 * its parsing is superlinear: within the 1 MiB body limit, 15 000 `a=candidate` lines or 30 000
 * `a=ssrc` lines cost seconds of the one event loop every session shares. The caps below sit far
 * above what any browser sends (Chrome: one to a few dozen candidates, ≤ 8 ssrc lines and ≤ 3
 * simulcast RIDs per media section) and keep the worst SDP under ~0.5 s of CPU.
 */

export interface SdpCaps {
  /** `m=` sections in one SDP (a session pulling many tracks keeps adding them). */
  readonly mediaSections: number;
  /** `a=candidate` lines in one SDP. */
  readonly candidates: number;
  /** `a=ssrc` lines in one SDP. */
  readonly ssrcLines: number;
  /** `a=rid` lines in one media section, and in the whole SDP. */
  readonly ridsPerSection: number;
  readonly rids: number;
}

export const SDP_CAPS: SdpCaps = Object.freeze({
  mediaSections: 512,
  candidates: 256,
  ssrcLines: 1024,
  ridsPerSection: 16,
  rids: 256,
});

/**
 * Why this SDP is unusable, or undefined. Structure per RFC 8866 §5 (every line `x=value`, first
 * `v=0`, an `o=` line); ICE credentials and a DTLS fingerprint when media is offered (RFC 8839
 * §5.4, RFC 8842 §5); then the caps.
 */
export function sdpProblem(sdp: string, caps: SdpCaps = SDP_CAPS): string | undefined {
  if (typeof sdp !== 'string' || sdp.trim() === '') return 'the SDP is empty';
  const lines = sdp.split(/\r?\n/).filter((l) => l !== '');
  if (lines[0] !== 'v=0') return 'the SDP must start with "v=0"';
  const bad = lines.findIndex((l) => !/^[a-z]=/.test(l));
  if (bad >= 0) return `line ${bad + 1} of the SDP is not "<type>=<value>": ${JSON.stringify(lines[bad]!.slice(0, 40))}`;
  if (!lines.some((l) => l.startsWith('o='))) return 'the SDP has no o= line';
  if (lines.some((l) => /^m=\S+ [1-9]/.test(l))) {
    for (const attr of ['a=ice-ufrag:', 'a=ice-pwd:', 'a=fingerprint:']) {
      if (!lines.some((l) => l.startsWith(attr))) return `the SDP has no ${attr.slice(2, -1)} attribute`;
    }
  }
  return fingerprintProblem(lines) ?? midProblem(lines) ?? capProblem(lines, caps);
}

/** RFC 8122 §5: `a=fingerprint:<hash-func> SP <digest>`, exactly (werift reads no other spacing). */
export const FINGERPRINT_LINE = /^a=fingerprint:(\S+) (\S+)$/;

/** RFC 8122 §5: digest bytes per hash function (colon-separated hex pairs). */
const DIGEST_BYTES: Readonly<Record<string, number>> = { 'sha-1': 20, 'sha-224': 28, 'sha-256': 32, 'sha-384': 48, 'sha-512': 64 };

function fingerprintProblem(lines: readonly string[]): string | undefined {
  for (const line of lines) {
    if (!line.startsWith('a=fingerprint:')) continue;
    const parts = FINGERPRINT_LINE.exec(line);
    if (!parts) return `the a=fingerprint line must be "a=fingerprint:<hash-function> <digest>", got ${JSON.stringify(line.slice(0, 60))}`;
    const [, hash = '', digest = ''] = parts;
    const bytes = DIGEST_BYTES[hash.toLowerCase()];
    if (bytes === undefined) return `the a=fingerprint hash function ${JSON.stringify(hash.slice(0, 20))} is not one of ${Object.keys(DIGEST_BYTES).join(', ')}`;
    if (!new RegExp(`^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){${bytes - 1}}$`).test(digest)) {
      return `the a=fingerprint digest is not ${bytes} colon-separated hex bytes, as ${hash.toLowerCase()} needs`;
    }
  }
  return undefined;
}

/** RFC 8843 §7.2.3 / RFC 8829 §5.8: one a=mid per media section, unique in the description. */
function midProblem(lines: readonly string[]): string | undefined {
  const seen = new Map<string, number>();
  let section = 0;
  let midsHere = 0;
  for (const line of lines) {
    if (line.startsWith('m=')) {
      section += 1;
      midsHere = 0;
    } else if (line.startsWith('a=mid:') && section > 0) {
      midsHere += 1;
      if (midsHere > 1) return `media section ${section} has more than one a=mid line`;
      const mid = line.slice(6);
      const first = seen.get(mid);
      if (first !== undefined) return `media sections ${first} and ${section} both have a=mid:${mid.slice(0, 32)}`;
      seen.set(mid, section);
    }
  }
  return undefined;
}

function capProblem(lines: readonly string[], caps: SdpCaps): string | undefined {
  let sections = 0;
  let candidates = 0;
  let ssrcLines = 0;
  let rids = 0;
  let sectionRids = 0;
  for (const line of lines) {
    if (line.startsWith('m=')) {
      sections += 1;
      sectionRids = 0;
    } else if (line.startsWith('a=candidate:')) candidates += 1;
    else if (line.startsWith('a=ssrc:')) ssrcLines += 1;
    else if (line.startsWith('a=rid:')) {
      rids += 1;
      sectionRids += 1;
      if (sectionRids > caps.ridsPerSection) return `media section ${sections} has more than ${caps.ridsPerSection} a=rid lines`;
    }
  }
  if (sections > caps.mediaSections) return `the SDP has ${sections} media sections; at most ${caps.mediaSections} are accepted`;
  if (candidates > caps.candidates) return `the SDP has ${candidates} a=candidate lines; at most ${caps.candidates} are accepted`;
  if (ssrcLines > caps.ssrcLines) return `the SDP has ${ssrcLines} a=ssrc lines; at most ${caps.ssrcLines} are accepted`;
  if (rids > caps.rids) return `the SDP has ${rids} a=rid lines; at most ${caps.rids} are accepted`;
  return undefined;
}
