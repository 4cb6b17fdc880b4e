// A Voxwire client for the browser over WebSocket or SSE, with automatic reconnect and resume.
//
// WebSocket: the token travels as the subprotocol `voxwire.bearer.<token>` next to `voxwire.v1`.
// After a reconnect the first message is `session:resume {sessionId, lastSeq}`; the server answers
// `session:resumed` (missed events replayed first) or `session:reset` (a new session: the app
// reloads its state).
// SSE: a fetch() stream of GET /sse/events (so it can send Authorization, X-Voxwire-Session and
// Last-Event-ID headers) plus POST /sse/send. After a reconnect the server replays what was missed
// on the same session, or starts a new one (system:connected, then session:reset).
// Audio: a payload.data given as a Uint8Array goes as a binary frame (protocol §1.1) when the
// server announces binaryFrames in system:connected, and as base64 JSON otherwise (and on SSE).

import { toBase64 } from './audio.js';

const MAX_BACKOFF_MS = 5000;

/** The event as JSON text, a Uint8Array payload.data as base64. */
export function jsonOf(env) {
  const data = env.payload && env.payload.data;
  if (!(data instanceof Uint8Array)) return JSON.stringify(env);
  return JSON.stringify({ ...env, payload: { ...env.payload, data: toBase64(data) } });
}

/** Protocol §1.1: uint32 big-endian header length, the event without payload.data as JSON, the bytes. */
export function binaryFrameOf(env) {
  const { data, ...rest } = env.payload;
  const header = new TextEncoder().encode(JSON.stringify({ ...env, payload: rest }));
  const frame = new Uint8Array(4 + header.length + data.length);
  new DataView(frame.buffer).setUint32(0, header.length, false);
  frame.set(header, 4);
  frame.set(data, 4 + header.length);
  return frame;
}

/** States shown by the page: connecting, open, reconnecting, closed. */
export class Connection {
  /**
   * @param {object} o
   * @param {'websocket'|'sse'} o.transport
   * @param {string} [o.wsPath] WebSocket path, default /ws
   * @param {(refresh: boolean) => Promise<string>} o.token gives the bearer token
   * @param {(env: object) => void} o.onEvent every server event, once, in order
   * @param {(state: string, attempt: number, detail: string) => void} [o.onState]
   * @param {(info: {sessionId: string, resumed: boolean, reconnect: boolean}) => void} [o.onSession]
   *   called when the connection is ready: a new session (reconnect=false), a resumed one, or a
   *   reconnect that got a new session (the app reloads its state then)
   */
  constructor(o) {
    this.transport = o.transport;
    this.wsPath = o.wsPath || '/ws';
    this.tokenFn = o.token;
    this.onEvent = o.onEvent;
    this.onState = o.onState || (() => {});
    this.onSession = o.onSession || (() => {});
    this.state = 'closed';
    this.attempt = 0;
    this.session = null;        // {id, lastSeq}
    this.queue = [];            // envelopes waiting for an open session
    this.stopped = true;
    this.nextId = 1;
    this.ws = null;
    this.abort = null;
    this.timer = null;
    this.pendingResume = null;  // {id, old: {id, lastSeq}, fresh: {id, lastSeq}}
    this.reconnectAfterMs = null;
    this.refreshToken = false;
  }

  start() {
    this.stopped = false;
    this.session = null;
    this.attempt = 0;
    this._connect();
  }

  /** Closes for good (no reconnect). */
  close() {
    this.stopped = true;
    clearTimeout(this.timer);
    this._teardown();
    this._setState('closed', 'closed by the page');
  }

  /** Sends one event; waits in a queue while the session is not open. Returns the request id. */
  send(type, payload = {}, opts = {}) {
    const env = { type, id: opts.id || `p-${this.nextId++}`, payload };
    if (opts.room) env.room = opts.room;
    if (this.state === 'open') {
      this._write(env);
    } else {
      this.queue.push(env);
    }
    return env.id;
  }

  // ---- internals ---------------------------------------------------------------------------------

  _setState(state, detail = '') {
    this.state = state;
    this.onState(state, this.attempt, detail);
  }

  async _connect() {
    if (this.stopped) return;
    this._setState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    let token;
    try {
      token = await this.tokenFn(this.refreshToken);
      this.refreshToken = false;
    } catch (e) {
      this._retry(`no token: ${e.message}`);
      return;
    }
    if (this.stopped) return;
    if (this.transport === 'sse') {
      this._openSse(token);
    } else {
      this._openWs(token);
    }
  }

  _teardown() {
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.onclose = ws.onmessage = ws.onerror = null;
      try { ws.close(1000, 'bye'); } catch (e) { /* already closed */ }
    }
    if (this.abort) {
      this.abort.abort();
      this.abort = null;
    }
    clearTimeout(this.watchdog);
  }

  _retry(why) {
    this._teardown();
    if (this.stopped) return;
    this.attempt += 1;
    const backoff = Math.min(MAX_BACKOFF_MS, 250 * 2 ** Math.min(this.attempt, 6));
    const delay = this.reconnectAfterMs != null ? this.reconnectAfterMs : backoff;
    this.reconnectAfterMs = null;
    this._setState('reconnecting', why);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this._connect(), delay + Math.floor(Math.random() * 200));
  }

  _opened(info) {
    this.attempt = 0;
    this._setState('open');
    const q = this.queue;
    this.queue = [];
    this.onSession(info);
    for (const env of q) this._write(env);
  }

  /** Handles one server event from either transport. */
  _receive(env) {
    const seq = typeof env.seq === 'number' ? env.seq : null;
    if (env.type === 'system:going-away') {
      this.reconnectAfterMs = Number(env.payload?.reconnectAfterMs ?? 1000);
    }
    if (env.type === 'system:connected') {
      this.binaryFrames = this.transport === 'websocket' && env.payload?.binaryFrames === true;
      const fresh = { id: env.payload.sessionId, lastSeq: seq ?? 0 };
      const old = this.session;
      if (this.transport === 'websocket' && old) {
        // C2: the first message on the new connection asks for the old session back.
        const id = `r-${this.nextId++}`;
        this.pendingResume = { id, old, fresh };
        this.session = fresh;
        this._write({ type: 'session:resume', id, payload: { sessionId: old.id, lastSeq: old.lastSeq } });
        this.resumeTimer = setTimeout(() => this._resumeAnswered(false, null, 'no answer to session:resume'), 5000);
        return;
      }
      this.session = fresh;
      this._opened({ sessionId: fresh.id, resumed: false, reconnect: !!old });
      this.onEvent(env);
      return;
    }
    if (this.pendingResume) {
      const pr = this.pendingResume;
      if (env.type === 'session:resumed' && env.payload?.requestId === pr.id) {
        this._resumeAnswered(true, seq);
        return;
      }
      if (env.type === 'session:reset' && env.payload?.requestId === pr.id) {
        this._resumeAnswered(false, seq, env.payload?.reason);
        return;
      }
      // A replayed event of the old session (original seq), or an event of the new one.
      if (seq != null && seq > pr.old.lastSeq) pr.old.lastSeq = seq;
      this.onEvent(env);
      return;
    }
    if (seq != null && this.session) {
      if (seq <= this.session.lastSeq) return; // already seen: no duplicates
      this.session.lastSeq = seq;
    }
    if (env.type === 'session:reset' && this.transport === 'sse' && this.sseAnnounced) {
      // the new-session announcement already went out with system:connected
      this.sseAnnounced = false;
      return;
    }
    if (env.type === 'session:reset') {
      this.onSession({ sessionId: this.session?.id, resumed: false, reconnect: true });
    }
    this.onEvent(env);
  }

  _resumeAnswered(resumed, seq, reason) {
    const pr = this.pendingResume;
    if (!pr) return;
    clearTimeout(this.resumeTimer);
    this.pendingResume = null;
    if (resumed) {
      this.session = { id: pr.old.id, lastSeq: seq ?? pr.old.lastSeq };
    } else {
      this.session = { id: pr.fresh.id, lastSeq: Math.max(pr.fresh.lastSeq, seq ?? 0) };
    }
    this._opened({ sessionId: this.session.id, resumed, reconnect: true, reason });
  }

  _write(env) {
    if (this.transport === 'websocket') {
      if (this.ws && this.ws.readyState === WebSocket.OPEN) {
        const binary = this.binaryFrames && env.payload?.data instanceof Uint8Array;
        this.ws.send(binary ? binaryFrameOf(env) : jsonOf(env));
        if (binary) this.binaryFramesSent = (this.binaryFramesSent || 0) + 1;
      } else {
        this.queue.push(env);
      }
      return;
    }
    // One POST at a time, so the server receives events in the order they were sent.
    const sid = this.session?.id;
    this.sendChain = (this.sendChain || Promise.resolve())
      .then(() => this.tokenFn(false))
      .then((token) => fetch('/sse/send', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, 'X-Voxwire-Session': sid },
        body: jsonOf(env),
      }))
      .then((r) => {
        if (r.status === 410 && this.session?.id === sid && this.state === 'open') this._retry('session expired');
      })
      .catch(() => {
        this.queue.push(env);
      });
  }

  // ---- WebSocket ---------------------------------------------------------------------------------

  _openWs(token) {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    let ws;
    try {
      ws = new WebSocket(`${scheme}//${location.host}${this.wsPath}`, ['voxwire.v1', `voxwire.bearer.${token}`]);
    } catch (e) {
      this._retry(e.message);
      return;
    }
    this.ws = ws;
    let opened = false;
    ws.onopen = () => { opened = true; };
    ws.onmessage = (m) => {
      let env;
      try { env = JSON.parse(m.data); } catch (e) { return; }
      this._receive(env);
    };
    ws.onclose = (c) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (c.code === 4001) this.refreshToken = true;
      // A refused handshake (401, 429) shows as 1006 before open: the token may be stale.
      if (!opened) this.refreshToken = true;
      this._retry(`closed ${c.code}${c.reason ? ` ${c.reason}` : ''}`);
    };
  }

  // ---- SSE ---------------------------------------------------------------------------------------

  async _openSse(token) {
    const abort = new AbortController();
    this.abort = abort;
    const headers = { Accept: 'text/event-stream', Authorization: `Bearer ${token}` };
    const old = this.session;
    if (old) {
      headers['X-Voxwire-Session'] = old.id;
      headers['Last-Event-ID'] = String(old.lastSeq);
    }
    let res;
    try {
      res = await fetch('/sse/events', { headers, signal: abort.signal, cache: 'no-store' });
    } catch (e) {
      if (this.abort === abort) this._retry(e.message);
      return;
    }
    if (!res.ok) {
      if (res.status === 401) this.refreshToken = true;
      if (res.status === 429 || res.status === 503) {
        const ra = Number(res.headers.get('Retry-After'));
        if (ra > 0) this.reconnectAfterMs = ra * 1000;
      }
      if (this.abort === abort) this._retry(`HTTP ${res.status}`);
      return;
    }
    const sid = res.headers.get('X-Voxwire-Session');
    this.sseAnnounced = false;
    if (old && sid === old.id) {
      this._opened({ sessionId: sid, resumed: true, reconnect: true });
    } else if (old) {
      this.sseAnnounced = true; // system:connected will announce the new session
    }
    const heartbeat = 20000;
    const arm = () => {
      clearTimeout(this.watchdog);
      this.watchdog = setTimeout(() => { if (this.abort === abort) this._retry('no heartbeat'); }, heartbeat * 2.5);
    };
    arm();
    try {
      await readSse(res, (env) => {
        arm();
        this._receive(env);
      }, arm);
      if (this.abort === abort) this._retry('stream ended');
    } catch (e) {
      if (this.abort === abort) this._retry(e.message || 'stream failed');
    }
  }
}

/**
 * Reads a text/event-stream response, calling onEvent with each event's parsed JSON data and
 * onActivity for every chunk (heartbeat comments included). Resolves when the stream ends.
 */
export async function readSse(response, onEvent, onActivity = () => {}) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  let data = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    onActivity();
    buf += value;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      let line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line === '') {
        if (data.length) {
          const text = data.join('\n');
          data = [];
          let env;
          try { env = JSON.parse(text); } catch (e) { env = null; }
          if (env) onEvent(env);
        }
      } else if (line.startsWith('data:')) {
        data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
      }
      // id:, event: and comments are implied by the envelope (seq, type) or ignored
    }
  }
}
