export interface AppConfig {
  readonly appId: string;
  readonly secret: string;
  readonly name?: string;
}

/**
 * A key of the TURN-compatible credentials API (`/v1/turn/keys/:keyId/…`): its id and the Bearer
 * token that authorizes it (Cloudflare calls these the TURN key id and the TURN key API token).
 */
export interface TurnKeyConfig {
  readonly keyId: string;
  readonly token: string;
}

export interface IceServerConfig {
  readonly urls: string | readonly string[];
  readonly username?: string;
  readonly credential?: string;
}

export interface SfuConfig {
  /** HTTP listen address and port. */
  readonly host: string;
  readonly port: number;
  /** Apps (appId + Bearer secret). */
  readonly apps: readonly AppConfig[];
  /** Media: candidate addresses and sockets. */
  readonly media: {
    readonly announcedAddresses: readonly string[];
    readonly bindAddress: string;
    readonly portRange?: readonly [number, number];
    /**
     * `native`: Rust owns the media UDP socket (one port for all sessions), SRTP, routing and
     * RTCP; werift sees only STUN, DTLS and SCTP. `werift`: werift's sockets and SRTP, the
     * reference (config `media.engine`, flag `--engine`, env `OPENCALLS_ENGINE`).
     */
    readonly engine: 'native' | 'werift';
    /** Engine native: the REMB every publisher gets, bits per second (default 10 Mbit/s; 0 = none). */
    readonly rembBitrateBps?: number;
    /** Engine native: send a subscriber's run of packets as one UDP GSO message where the kernel offers it (default true). */
    readonly udpGso?: boolean;
  };
  /** Session limits and timeouts (defaults equal Cloudflare's). */
  readonly limits: {
    readonly callsPerSecond: number;
    readonly tracksPerCall: number;
    readonly connectWaitMs: number;
    readonly trackInactivityMs: number;
    readonly reuseWindowMs: number;
    /**
     * A connected PeerConnection that receives nothing (no STUN, DTLS, RTP or RTCP) for this long
     * counts as disconnected: the reuse window starts. Resumed traffic or an ICE restart ends it.
     */
    readonly disconnectedAfterMs: number;
    readonly unconnectedSessionTtlMs: number;
    /** `waitForAck` DataChannel subscriptions end unless the subscriber's first message arrives in time. */
    readonly waitForAckMs: number;
    readonly gcIntervalMs: number;
    /** How long a pull waits for a publication that exists but has not sent a packet yet. */
    readonly pullWaitForMediaMs: number;
    readonly maxBodyBytes: number;
  };
  /**
   * ICE servers handed out by the TURN-compatible `generate-ice-servers` endpoint, as they are
   * (static credentials; no TURN server is built in). Default none: clients reach the SFU's host
   * candidates directly.
   */
  readonly iceServers: readonly IceServerConfig[];
  /** Keys accepted by the TURN-compatible endpoints. Default: one per app (keyId = appId, token = secret). */
  readonly turnKeys: readonly TurnKeyConfig[];
  /** pino log level. */
  readonly logLevel: string;
}
