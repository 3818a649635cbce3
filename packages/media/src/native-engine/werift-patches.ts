import { keyLength, RTCDtlsTransport, saltLength, UdpTransport } from 'werift';
import type { NativeUdpTransport } from './udp-shim.js';

/**
 * What the native engine needs from werift at the two seams it patches (checked against werift
 * 0.25.2; `reference/werift-napi.md` §A.3, §E):
 * - `UdpTransport.init(type, {portRange, interfaceAddresses})` creates every ICE host socket
 *   (`StunProtocol.connectionMade`). A PeerConnection run by the native engine is recognised by
 *   the identity of its `iceInterfaceAddresses` object, which werift passes through unchanged
 *   (`setConfiguration` merges shallowly); it gets a shim on the engine's socket instead.
 * - `RTCDtlsTransport.prototype.startSrtp()` runs once the DTLS handshake succeeded. For a
 *   native transport (same `config.iceInterfaceAddresses` test) the keys go to the engine and
 *   werift's JS SRTP handler is never installed; the transport's own `sendRtp`/`sendRtcp` become
 *   no-ops, since werift's senders and receivers never see media on such a transport.
 * Everything else keeps werift's behaviour. Both patches are installed once per process.
 */
export interface NativeTransportOwner {
  createShim(type: 'udp4' | 'udp6'): NativeUdpTransport;
  startSrtp(dtls: RTCDtlsTransport, keys: DtlsSrtpKeys): void;
}

export interface DtlsSrtpKeys {
  readonly profile: number;
  readonly localKey: Buffer;
  readonly localSalt: Buffer;
  readonly remoteKey: Buffer;
  readonly remoteSalt: Buffer;
}

const owners = new WeakMap<object, NativeTransportOwner>();
let installed = false;

/** Makes werift route the PeerConnection whose config holds `interfaceAddresses` to `owner`. */
export function registerNativeTransport(interfaceAddresses: object, owner: NativeTransportOwner): void {
  installPatches();
  owners.set(interfaceAddresses, owner);
}

export function unregisterNativeTransport(interfaceAddresses: object): void {
  owners.delete(interfaceAddresses);
}

interface UdpInitOptions {
  portRange?: unknown;
  interfaceAddresses?: object;
}

interface DtlsInternals {
  srtpStarted: boolean;
  config?: { iceInterfaceAddresses?: object };
  dtls?: {
    srtp: { srtpProfile?: number };
    extractSessionKeys(keyLength: number, saltLength: number): {
      localKey: Buffer;
      localSalt: Buffer;
      remoteKey: Buffer;
      remoteSalt: Buffer;
    };
  };
  sendRtp: (...args: unknown[]) => Promise<number>;
  sendRtcp: (...args: unknown[]) => Promise<void>;
}

function installPatches(): void {
  if (installed) return;
  installed = true;
  const udp = UdpTransport as unknown as {
    init(type: 'udp4' | 'udp6', options?: UdpInitOptions): Promise<unknown>;
  };
  const originalInit = udp.init;
  udp.init = async function init(this: unknown, type, options = {}) {
    const owner = options.interfaceAddresses ? owners.get(options.interfaceAddresses) : undefined;
    if (!owner) return originalInit.call(this, type, options);
    return owner.createShim(type);
  };

  const proto = RTCDtlsTransport.prototype as unknown as { startSrtp(this: DtlsInternals): void };
  const originalStartSrtp = proto.startSrtp;
  proto.startSrtp = function startSrtp(this: DtlsInternals): void {
    const key = this.config?.iceInterfaceAddresses;
    const owner = key ? owners.get(key) : undefined;
    if (!owner) return originalStartSrtp.call(this);
    if (this.srtpStarted) return;
    const dtls = this.dtls;
    const profile = dtls?.srtp.srtpProfile;
    if (!dtls || profile === undefined) throw new Error('native media engine: DTLS finished without an SRTP profile');
    this.srtpStarted = true;
    const keys = dtls.extractSessionKeys(keyLength(profile as never), saltLength(profile as never));
    this.sendRtp = async () => 0;
    this.sendRtcp = async () => undefined;
    owner.startSrtp(this as unknown as RTCDtlsTransport, { profile, ...keys });
  };
}
