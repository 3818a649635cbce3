/**
 * The data a `Session` keeps: its states, its tracks and data channels, and the GET-session shape.
 * Records are frozen; a change replaces the record, so a record handed out never changes under
 * its holder.
 */

/** The PeerConnection state as reported by the media layer (RTCPeerConnectionState). */
export type ConnectionState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

/**
 * Why a session ended.
 * `requested`: the server closed it (shutdown, admin). `expired`: it stayed disconnected past the
 * reuse window. `unconnected`: it never connected within `unconnectedSessionTtlMs`.
 */
export type SessionCloseReason = 'requested' | 'expired' | 'unconnected';

/**
 * Why a track stopped.
 * `requested`: tracks/close (or a replaced transceiver). `inactive`: the inactivity GC (local
 * tracks only). `sessionclosed`: its session ended. `sourceclosed`: a pulled (remote) track whose
 * publisher's track stopped, for any reason.
 */
export type TrackCloseReason = 'requested' | 'inactive' | 'sessionclosed' | 'sourceclosed';

/** Why a data channel stopped (same meanings as for tracks). */
export type DataChannelCloseReason = 'requested' | 'sessionclosed' | 'sourceclosed';

export type TrackKind = 'audio' | 'video';
export type TrackStatus = 'active' | 'inactive';
export type DataChannelStatus = 'active' | 'inactive' | 'initializing';
export type Location = 'local' | 'remote';

/** A track this session pushes (publishes). Keyed by `trackName`; findable by `mid`. */
export interface LocalTrack {
  readonly location: 'local';
  readonly trackName: string;
  /** The mid on this session's PeerConnection. */
  readonly mid: string;
  readonly kind: TrackKind | undefined;
  readonly status: TrackStatus;
  /** The media layer's native track handle (u32), once it exists. The inactivity GC watches it. */
  readonly nativeHandle: number | undefined;
  readonly createdAtMs: number;
}

/** A track this session pulls (subscribes to) from another session. Keyed by `mid`. */
export interface RemoteTrack {
  readonly location: 'remote';
  /** The mid on this (the subscriber's) PeerConnection. */
  readonly mid: string;
  /** The publisher's session. */
  readonly sessionId: string;
  readonly trackName: string;
  readonly kind: TrackKind | undefined;
  readonly status: TrackStatus;
  readonly createdAtMs: number;
}

export type SessionTrack = LocalTrack | RemoteTrack;

/**
 * A data channel of this session: published (`local`) or subscribed (`remote`, naming the
 * publisher's `sessionId`). Keyed by `id`, the negotiated SCTP stream id on this session's
 * association, unique per session across both locations.
 */
export interface DataChannelRecord {
  readonly location: Location;
  readonly dataChannelName: string;
  readonly id: number;
  /** Remote only: the publisher's session. */
  readonly sessionId: string | undefined;
  readonly status: DataChannelStatus;
  /** Remote only: this subscriber may send back to the publisher. */
  readonly canReply: boolean | undefined;
  /** Remote only: delivery waits for the subscriber's first message. */
  readonly waitForAck: boolean | undefined;
  readonly ordered: boolean | undefined;
  readonly maxRetransmits: number | undefined;
  readonly maxPacketLifeTime: number | undefined;
  readonly createdAtMs: number;
}

/** Exactly the body of `GET /apps/{appId}/sessions/{sessionId}` (calls-api.md §3.6). */
export interface SessionSnapshot {
  readonly tracks: readonly SnapshotTrack[];
  readonly dataChannels: readonly SnapshotDataChannel[];
}

export type SnapshotTrack =
  | { readonly location: 'local'; readonly mid: string; readonly trackName: string; readonly status: TrackStatus }
  | {
      readonly location: 'remote';
      readonly mid: string;
      readonly sessionId: string;
      readonly trackName: string;
      readonly status: TrackStatus;
    };

export type SnapshotDataChannel =
  | {
      readonly location: 'local';
      readonly dataChannelName: string;
      readonly id: number;
      readonly status: DataChannelStatus;
    }
  | {
      readonly location: 'remote';
      /** The publisher's session; absent only for the SFU's own `server-events` channel. */
      readonly sessionId?: string;
      readonly dataChannelName: string;
      readonly id: number;
      readonly status: DataChannelStatus;
    };
