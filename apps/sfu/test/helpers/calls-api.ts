/** A small Calls HTTPS API client for tests: every call returns status, headers and parsed body. */
export interface ApiResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
}

export class CallsApi {
  readonly baseUrl: string;
  readonly appId: string;
  readonly secret: string;

  constructor(baseUrl: string, appId: string, secret: string) {
    this.baseUrl = baseUrl;
    this.appId = appId;
    this.secret = secret;
  }

  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    init: { headers?: Record<string, string>; rawBody?: string } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.secret}`, ...init.headers };
    const payload = init.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
    const res = await fetch(`${this.baseUrl}/v1/apps/${this.appId}${path}`, { method, headers, body: payload });
    const text = await res.text();
    let parsed: unknown = {};
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { unparsable: text };
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  async newSession(): Promise<string> {
    const res = await this.call<{ sessionId: string }>('POST', '/sessions/new');
    if (res.status !== 201) throw new Error(`sessions/new → ${res.status} ${res.text}`);
    return res.body.sessionId;
  }

  tracksNew<T = TracksResponse>(sessionId: string, body: unknown): Promise<ApiResponse<T>> {
    return this.call<T>('POST', `/sessions/${sessionId}/tracks/new`, body);
  }

  renegotiate(sessionId: string, sdp: string): Promise<ApiResponse> {
    return this.call('PUT', `/sessions/${sessionId}/renegotiate`, { sessionDescription: { type: 'answer', sdp } });
  }

  tracksClose<T = TracksResponse>(sessionId: string, body: unknown): Promise<ApiResponse<T>> {
    return this.call<T>('PUT', `/sessions/${sessionId}/tracks/close`, body);
  }

  getSession<T = SessionState>(sessionId: string): Promise<ApiResponse<T>> {
    return this.call<T>('GET', `/sessions/${sessionId}`);
  }
}

export interface TrackItem {
  location?: string;
  mid?: string;
  trackName?: string;
  sessionId?: string;
  kind?: string;
  status?: string;
  errorCode?: string;
  errorDescription?: string;
}

export interface TracksResponse {
  requiresImmediateRenegotiation?: boolean;
  sessionDescription?: { type: 'offer' | 'answer'; sdp: string };
  tracks?: TrackItem[];
  errorCode?: string;
  errorDescription?: string;
}

export interface SessionState {
  tracks?: TrackItem[];
  dataChannels?: unknown[];
  errorCode?: string;
}
