import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';

/**
 * Binds a UDP socket on the media bind address (port 0) and closes it again, so a bind address
 * this host does not have (a typo, or a cloud VM's public IP that only exists on the NAT) fails at
 * start with a message naming the setting, instead of as an unhandled socket error that takes the
 * whole server down at the first PeerConnection.
 */
export function probeMediaBind(address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIPv6(address) ? 'udp6' : 'udp4');
    socket.once('error', (error: NodeJS.ErrnoException) => {
      try {
        socket.close();
      } catch {
        // never bound: nothing to close
      }
      reject(mediaBindError(address, error.code ?? error.message));
    });
    socket.bind(0, address, () => socket.close(() => resolve()));
  });
}

/** The start-up error for a media bind address this host cannot use, naming the setting. */
export function mediaBindError(address: string, detail: string): Error {
  return new Error(
    `media bind address ${address} cannot be used on this host (${detail}): ` +
      `set --bind / OPENCALLS_BIND / config media.bindAddress to one of this machine's addresses, or 0.0.0.0`,
  );
}
