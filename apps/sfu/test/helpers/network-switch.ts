import type { RTCPeerConnection } from 'werift';

/**
 * Cuts a werift client off the network and back, as a lost Wi-Fi would: while cut, every
 * datagram its ICE sockets send is dropped and every datagram they receive is ignored (STUN,
 * DTLS, RTP and RTCP alike). Test-only: it wraps the client's own UDP transports (werift 0.25.2
 * `RTCIceTransport.connection.protocols[].transport`), never the server's.
 */
export class NetworkSwitch {
  readonly #pc: RTCPeerConnection;
  readonly #wrapped = new WeakSet<object>();
  #cut = false;
  /** Datagrams dropped while cut, both directions. */
  dropped = 0;

  constructor(pc: RTCPeerConnection) {
    this.#pc = pc;
  }

  get isCut(): boolean {
    return this.#cut;
  }

  /** Drops everything from now on (sockets created later are wrapped by the next `cut()`). */
  cut(): void {
    this.#wrapAll();
    this.#cut = true;
  }

  restore(): void {
    this.#cut = false;
  }

  #wrapAll(): void {
    for (const ice of this.#pc.iceTransports) {
      const { protocols } = ice.connection as unknown as { protocols: readonly { transport?: UdpLike }[] };
      for (const { transport } of protocols) {
        if (!transport || this.#wrapped.has(transport)) continue;
        this.#wrapped.add(transport);
        const send = transport.send.bind(transport);
        const onData = transport.onData;
        transport.send = (data, addr) => {
          if (!this.#cut) return send(data, addr);
          this.dropped++;
          return Promise.resolve();
        };
        transport.onData = (data, addr) => {
          if (!this.#cut) return onData(data, addr);
          this.dropped++;
        };
      }
    }
  }
}

interface UdpLike {
  send: (data: Buffer, addr?: unknown) => Promise<void>;
  onData: (data: Buffer, addr: unknown) => void;
}
