import { isIP } from 'node:net';

/** What a shim needs from the engine: its socket's address and a way to send. */
export interface ShimHost {
  readonly localAddress: string;
  readonly localPort: number;
  /** Sends one control datagram for `shim` (finds or creates its endpoint). */
  sendFrom(shim: NativeUdpTransport, data: Uint8Array, host: string, port: number): void;
  /** The shim closed (werift closed its ICE protocol). */
  shimClosed(shim: NativeUdpTransport): void;
}

export type UdpAddress = [host: string, port: number];

/**
 * Stands in for werift's `UdpTransport` (`lib/common/src/transport.js`, same fields, methods and
 * getters) in front of the native engine's one shared socket: werift's ICE agent sends STUN and
 * its DTLS socket sends DTLS through `send`; the engine delivers only STUN and DTLS back through
 * `onData`. Media never passes here.
 */
export class NativeUdpTransport {
  readonly type = 'udp';
  readonly socketType: 'udp4' | 'udp6';
  /** Assigned by werift's StunProtocol right after creation. */
  onData: (data: Buffer, addr: UdpAddress) => void = () => undefined;
  closed = false;
  /** The engine endpoint once known (set by the engine). */
  endpoint: number | undefined;
  /** Where werift last sent to (its default destination, like `rinfo` in werift's transport). */
  #lastRemote: UdpAddress | undefined;
  readonly #host: ShimHost;

  constructor(host: ShimHost, socketType: 'udp4' | 'udp6') {
    this.#host = host;
    this.socketType = socketType;
  }

  get lastRemote(): UdpAddress | undefined {
    return this.#lastRemote;
  }

  /** werift awaits this; it never rejects for a literal IP address (a dropped datagram is UDP). */
  send = async (data: Buffer, addr?: UdpAddress): Promise<void> => {
    if (this.closed) return;
    const to = addr ?? this.#lastRemote;
    if (!to) return;
    if (!isIP(to[0])) throw new Error(`native media engine: cannot send to unresolved host ${to[0]}`);
    this.#lastRemote = to;
    this.#host.sendFrom(this, data, to[0], to[1]);
  };

  close = async (): Promise<void> => {
    if (this.closed) return;
    this.closed = true;
    this.#host.shimClosed(this);
  };

  /** @internal Called by the engine with a datagram for werift. */
  deliver(data: Buffer, from: UdpAddress): void {
    if (this.closed) return;
    this.#lastRemote ??= from;
    try {
      this.onData(data, from);
    } catch {
      // werift's own transport swallows handler errors the same way.
    }
  }

  get address(): { address: string; port: number; family: string } {
    return { address: this.#host.localAddress, port: this.#host.localPort, family: this.socketType === 'udp6' ? 'IPv6' : 'IPv4' };
  }

  get addressFamily(): 4 | 6 {
    return this.socketType === 'udp6' ? 6 : 4;
  }

  get host(): string {
    return this.#host.localAddress;
  }

  get port(): number {
    return this.#host.localPort;
  }
}
