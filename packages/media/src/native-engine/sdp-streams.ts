/**
 * The SSRCs each media section of a remote SDP announces (`a=ssrc`, RFC 5576), minus the
 * retransmission and FEC partners named by `a=ssrc-group:FID` / `FEC-FR` (their packets are not
 * forwarded). Simulcast sections announced with RIDs usually carry no SSRC; their layers are
 * found by the RID header extension instead.
 */
export function announcedSsrcsByMid(sdp: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const section of sdp.split(/\r?\n(?=m=)/).slice(1)) {
    const lines = section.split(/\r?\n/);
    const mid = lines.find((l) => l.startsWith('a=mid:'))?.slice(6).trim();
    if (mid === undefined) continue;
    const ssrcs: number[] = [];
    const partners = new Set<number>();
    for (const line of lines) {
      const ssrc = /^a=ssrc:(\d+)(?:\s|$)/.exec(line);
      if (ssrc) {
        const n = Number(ssrc[1]);
        if (Number.isSafeInteger(n) && n <= 0xffffffff && !ssrcs.includes(n)) ssrcs.push(n);
        continue;
      }
      const group = /^a=ssrc-group:(FID|FEC-FR)\s+(.*)$/.exec(line);
      if (group) {
        for (const s of group[2]!.trim().split(/\s+/).slice(1)) partners.add(Number(s));
      }
    }
    out.set(
      mid,
      ssrcs.filter((s) => !partners.has(s)),
    );
  }
  return out;
}
