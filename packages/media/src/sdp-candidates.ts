/**
 * Keeps only the SFU candidates on announced addresses. werift may learn other host addresses;
 * a client must never be told about them. Also drops a candidate line repeated within one media
 * section (werift lists its host candidate twice after an ICE restart).
 */
export function keepCandidates(sdp: string, addresses: readonly string[]): string {
  const allowed = new Set(addresses);
  const lines = sdp.split('\r\n');
  let seen = new Set<string>();
  const out = lines.filter((line) => {
    if (line.startsWith('m=')) seen = new Set();
    if (!line.startsWith('a=candidate:')) return true;
    if (seen.has(line)) return false;
    seen.add(line);
    const parts = line.split(' ');
    const address = parts[4];
    return address !== undefined && allowed.has(address);
  });
  return out.join('\r\n');
}

/** The media sections of an SDP, with mid, kind and direction, in order. */
export interface SdpMediaSection {
  readonly kind: string;
  readonly mid?: string | undefined;
  readonly direction?: string | undefined;
  readonly port: number;
  readonly rids: readonly string[];
}

export function mediaSections(sdp: string): SdpMediaSection[] {
  const sections: SdpMediaSection[] = [];
  let current: { kind: string; mid?: string; direction?: string; port: number; rids: string[] } | undefined;
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) {
      if (current) sections.push(current);
      const [kind = '', port = '0'] = line.slice(2).split(' ');
      current = { kind, port: Number(port), rids: [] };
    } else if (current) {
      if (line.startsWith('a=mid:')) current.mid = line.slice(6).trim();
      else if (/^a=(sendrecv|sendonly|recvonly|inactive)$/.test(line)) current.direction = line.slice(2);
      else if (line.startsWith('a=rid:')) {
        const [rid, dir] = line.slice(6).split(' ');
        if (rid && dir === 'send') current.rids.push(rid);
      }
    }
  }
  if (current) sections.push(current);
  return sections;
}
