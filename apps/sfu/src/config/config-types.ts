export interface AppConfig {
  readonly appId: string;
  readonly secret: string;
  readonly name?: string;
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
  };
  /** Session limits and timeouts (defaults equal Cloudflare's). */
  readonly limits: {
    readonly callsPerSecond: number;
    readonly tracksPerCall: number;
    readonly connectWaitMs: number;
    readonly trackInactivityMs: number;
    readonly reuseWindowMs: number;
    readonly unconnectedSessionTtlMs: number;
    readonly gcIntervalMs: number;
    /** How long a pull waits for a publication that exists but has not sent a packet yet. */
    readonly pullWaitForMediaMs: number;
    readonly maxBodyBytes: number;
  };
  /** ICE servers handed out by the TURN-compatible `generate-ice-servers` endpoint. */
  readonly iceServers: readonly IceServerConfig[];
  /** pino log level. */
  readonly logLevel: string;
}
