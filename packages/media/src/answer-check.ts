import { FINGERPRINT_LINE } from './sdp-check.js';

/**
 * What werift does not check when a client's description meets the one it answers or replaces:
 * an answer must mirror the SFU's pending offer (RFC 8829 §5.10, RFC 3264 §6: one media section
 * per offered section, same order, same media and mid; `a=setup` active or passive, RFC 5763
 * §5), and on an established transport the client's DTLS certificate cannot change (RFC 8842
 * §5: that needs a new DTLS association, which OpenCalls does not run on a live session).
 */

interface Section {
  readonly media: string;
  readonly mid: string | undefined;
}

function sections(sdp: string): Section[] {
  const out: { media: string; mid: string | undefined }[] = [];
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) out.push({ media: line.slice(2).split(' ')[0] ?? '', mid: undefined });
    else if (line.startsWith('a=mid:') && out.length > 0) out[out.length - 1]!.mid ??= line.slice(6);
  }
  return out;
}

/** Why `answer` cannot answer `offer`, or undefined. */
export function answerProblem(answer: string, offer: string): string | undefined {
  const a = sections(answer);
  const o = sections(offer);
  if (a.length !== o.length) {
    return `the answer has ${a.length} media sections but the pending SFU offer has ${o.length} (answer the latest offer, section for section)`;
  }
  for (let i = 0; i < o.length; i++) {
    const [x, y] = [a[i]!, o[i]!];
    if (x.media !== y.media) return `media section ${i + 1} of the answer is m=${x.media} but the offer's is m=${y.media}`;
    if (x.mid !== y.mid) return `media section ${i + 1} of the answer has a=mid:${x.mid ?? '(none)'} but the offer's has a=mid:${y.mid ?? '(none)'}`;
  }
  const setups = [...answer.matchAll(/^a=setup:(.*?)\r?$/gm)].map((m) => m[1]!);
  const odd = setups.find((v) => v !== 'active' && v !== 'passive');
  if (odd !== undefined) {
    return `an answer must say a=setup:active or a=setup:passive, not ${JSON.stringify(odd.slice(0, 20))}${odd.toLowerCase() === 'actpass' ? ' (is this an offer?)' : ''}`;
  }
  if (setups.length === 0 && /^m=\S+ [1-9]/m.test(answer)) return 'the answer has no a=setup attribute (RFC 5763 §5: active or passive)';
  return undefined;
}

/** The `a=fingerprint` values of an SDP (hash and digest, case-folded), in order. */
export function fingerprints(sdp: string): string[] {
  const out: string[] = [];
  for (const line of sdp.split(/\r?\n/)) {
    const m = FINGERPRINT_LINE.exec(line);
    if (m) out.push(`${m[1]!.toLowerCase()} ${m[2]!.toUpperCase()}`);
  }
  return out;
}

/**
 * Why `next` (a new offer or answer of the client) cannot replace `previous` once DTLS started,
 * or undefined: its certificate fingerprint must be one it used before.
 */
export function fingerprintChangeProblem(next: string, previous: string | undefined): string | undefined {
  if (previous === undefined) return undefined;
  const before = new Set(fingerprints(previous));
  if (before.size === 0) return undefined;
  const changed = fingerprints(next).find((f) => !before.has(f));
  if (changed === undefined) return undefined;
  return 'its a=fingerprint differs from the one this session\'s DTLS transport was established with (a new certificate needs a new session)';
}
