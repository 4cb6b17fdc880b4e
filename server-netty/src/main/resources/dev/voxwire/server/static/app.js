// The Voxwire demo page: connection (WebSocket or SSE), live audio, audio analysis and a chat room.
import { Connection, readSse } from './connection.js';
import { Microphone, Player, fromBase64, pcmBytes, toBase64, CAPTURE_RATE } from './audio.js';

const ROOM = 'channel:general';
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

const ui = {
  form: $('connect-form'), user: $('user'), tokenLabel: $('token-label'), token: $('token'),
  transport: $('transport'), disconnect: $('disconnect'), state: $('state'), session: $('session'),
  start: $('start'), stop: $('stop'), modality: $('modality'), level: $('level'), micStatus: $('mic-status'),
  liveState: $('live-state'), liveTextForm: $('live-text-form'), liveText: $('live-text'), transcript: $('transcript'),
  file: $('analysis-file'), analyze: $('analyze'), record: $('record'), progress: $('analysis-progress'),
  result: $('analysis-result'),
  chatLog: $('chat-log'), presence: $('presence'), typing: $('typing'), chatForm: $('chat-form'), chatInput: $('chat-input'),
};

let serverConfig = { transport: 'websocket', devTokens: false };
let main = null;            // the page's connection (chat, analysis; live too over SSE)
let reconnects = 0;
let tokenCache = null;      // {user, token, at}

// ---- sign-in -------------------------------------------------------------------------------------

async function getToken(refresh) {
  const user = ui.user.value.trim();
  if (!serverConfig.devTokens) {
    const t = ui.token.value.trim();
    if (!t) throw new Error('paste a token from ./voxwire token --user ID');
    return t;
  }
  const fresh = tokenCache && tokenCache.user === user && Date.now() - tokenCache.at < 50 * 60 * 1000;
  if (fresh && !refresh) return tokenCache.token;
  const r = await fetch('/dev/token', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user }),
  });
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(body.message || `HTTP ${r.status}`);
  tokenCache = { user, token: body.token, at: Date.now() };
  return body.token;
}

// ---- connection ----------------------------------------------------------------------------------

function showState(state, attempt, detail) {
  if (state === 'reconnecting' && ui.state.dataset.state !== 'reconnecting') reconnects += 1;
  ui.state.dataset.state = state;
  ui.state.dataset.attempt = String(attempt);
  ui.state.dataset.reconnects = String(reconnects);
  ui.state.textContent = state === 'reconnecting' ? `reconnecting (attempt ${attempt})` : state;
  ui.state.title = detail || '';
}

function connect() {
  if (main) main.close();
  stopLive();
  chat.reset();
  if (!serverConfig.devTokens && !ui.token.value.trim()) {
    showState('closed', 0, 'no token');
    ui.session.textContent = 'paste a token to connect';
    return;
  }
  const transport = ui.transport.value;
  const conn = new Connection({
    transport,
    token: getToken,
    onState: (s, a, d) => { if (main === conn) showState(s, a, d); },
    onSession: (info) => {
      if (main !== conn) return;
      ui.session.textContent = `${transport} · session ${info.sessionId.slice(0, 8)}…${info.reconnect
        ? (info.resumed ? ' · resumed' : ' · new session after reconnect') : ''}`;
      ui.session.dataset.resumed = String(!!info.resumed);
      if (!info.resumed) chat.join(); // a new session: (re)load the room's state
      if (transport === 'sse' && live.active) live.begin();
    },
    onEvent: (env) => { if (main === conn) dispatch(env); },
  });
  main = conn;
  conn.start();
}

function dispatch(env) {
  const t = env.type;
  if (t.startsWith('analysis:') || (t === 'error' && analysis.owns(env))) analysis.onEvent(env);
  else if (t.startsWith('live:') || (t === 'error' && live.owns(env))) live.onEvent(env);
  else chat.onEvent(env);
}

// ---- live ----------------------------------------------------------------------------------------

const player = new Player();

const live = {
  active: false, ready: false, conn: null, mic: null, pending: [], sent: 0, startId: null, line: null,

  owns(env) { return env.payload?.requestId != null && env.payload.requestId === this.startId; },

  connection() { return ui.transport.value === 'sse' ? main : this.conn; },

  async start() {
    if (this.active) return;
    this.active = true;
    ui.start.disabled = true;
    ui.stop.disabled = false;
    await player.unlock().catch(() => {});
    this.ready = false;
    this.pending = [];
    this.sent = 0;
    this.mic = new Microphone((pcm, rms) => this.onChunk(pcm, rms));
    try {
      await this.mic.start();
      ui.micStatus.textContent = 'microphone on';
    } catch (e) {
      this.note(`microphone unavailable: ${e.message}`);
      this.stop();
      return;
    }
    if (ui.transport.value === 'websocket') {
      if (!this.conn) {
        const conn = new Connection({
          transport: 'websocket', wsPath: '/ws/live', token: getToken,
          onState: (s, a) => { ui.liveState.textContent = `live: ${s}${s === 'reconnecting' ? ` (attempt ${a})` : ''}`; },
          onSession: () => { if (this.active) this.begin(); },
          onEvent: (env) => this.onEvent(env),
        });
        this.conn = conn;
        conn.start();
      } else if (this.conn.state === 'open') {
        this.begin();
      }
    } else if (main && main.state === 'open') {
      this.begin();
    }
  },

  /** Sends live:start on the live connection (again after a new session). */
  begin() {
    const conn = this.connection();
    if (!conn) return;
    this.ready = false;
    const payload = { responseModalities: [ui.modality.value] };
    this.startId = conn.send('live:start', payload);
    ui.liveState.textContent = 'live: starting';
  },

  onChunk(pcm, rms) {
    ui.level.value = Math.min(1, rms * 4);
    if (!this.active) return;
    if (!this.ready) {
      this.pending.push(pcm);
      if (this.pending.length > 25) this.pending.shift(); // keep the last second
      return;
    }
    this.sendChunk(pcm);
  },

  sendChunk(pcm) {
    const conn = this.connection();
    if (!conn) return;
    // bytes: a binary frame when the server takes them, base64 JSON otherwise (connection.js)
    conn.send('live:audio', { data: new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength) });
    this.sent += 1;
    ui.micStatus.dataset.chunks = String(this.sent);
    ui.micStatus.dataset.binaryChunks = String(conn.binaryFramesSent || 0);
    ui.micStatus.textContent = `streaming: ${this.sent} chunks of ${pcm.length} samples at ${CAPTURE_RATE} Hz`;
  },

  async stop() {
    const wasActive = this.active;
    this.active = false;
    this.ready = false;
    ui.start.disabled = false;
    ui.stop.disabled = true;
    if (this.mic) await this.mic.stop().catch(() => {});
    this.mic = null;
    ui.level.value = 0;
    ui.micStatus.textContent = 'microphone off';
    const conn = this.connection();
    if (wasActive && conn && conn.state === 'open') conn.send('live:end', {});
  },

  note(text) {
    const d = document.createElement('div');
    d.className = 'system';
    d.textContent = text;
    ui.transcript.append(d);
    ui.transcript.scrollTop = ui.transcript.scrollHeight;
    this.line = null;
  },

  append(kind, text) {
    if (this.line && this.line.dataset.kind === kind) {
      this.line.querySelector('span').textContent += text;
    } else {
      const d = document.createElement('div');
      d.className = kind;
      d.dataset.kind = kind;
      const who = document.createElement('b');
      who.textContent = kind === 'input' ? 'you: ' : 'model: ';
      const span = document.createElement('span');
      span.textContent = text;
      d.append(who, span);
      ui.transcript.append(d);
      this.line = d;
    }
    ui.transcript.scrollTop = ui.transcript.scrollHeight;
  },

  onEvent(env) {
    const p = env.payload || {};
    switch (env.type) {
      case 'live:ready':
        this.ready = true;
        ui.liveState.textContent = 'live: ready';
        for (const pcm of this.pending.splice(0)) this.sendChunk(pcm);
        break;
      case 'live:transcript':
        this.append(p.kind === 'output' ? 'output' : 'input', p.text || '');
        break;
      case 'live:text':
        this.append('text', p.text || '');
        break;
      case 'live:audio':
        if (p.data) player.play(fromBase64(p.data), p.sampleRate || 24000);
        ui.transcript.dataset.audioChunks = String(Number(ui.transcript.dataset.audioChunks || 0) + 1);
        break;
      case 'live:interrupted':
        player.interrupt();
        this.note('(interrupted)');
        break;
      case 'live:turn-complete':
        this.line = null;
        ui.transcript.dataset.turns = String(Number(ui.transcript.dataset.turns || 0) + 1);
        break;
      case 'error':
        this.note(`live error ${p.code}: ${p.message}`);
        break;
      default:
        break;
    }
  },

  close() {
    if (this.conn) this.conn.close();
    this.conn = null;
    ui.liveState.textContent = '';
  },
};

function stopLive() {
  live.stop();
  live.close();
}

// ---- audio analysis ------------------------------------------------------------------------------

const FIELDS = [
  ['durationMs', 'duration', (v) => `${v} ms`],
  ['sampleRate', 'sample rate', (v) => `${v} Hz`],
  ['channels', 'channels', String],
  ['rmsDbfs', 'RMS level', (v) => `${Number(v).toFixed(1)} dBFS`],
  ['peakDbfs', 'peak level', (v) => `${Number(v).toFixed(1)} dBFS`],
  ['silenceRatio', 'silence', (v) => `${(Number(v) * 100).toFixed(0)} %`],
  ['pitchHz', 'pitch', (v) => (v == null ? '—' : `${Number(v).toFixed(1)} Hz`)],
];

const analysis = {
  id: null, seq: 0,

  owns(env) { return this.id != null && env.payload?.requestId === this.id; },

  begin() {
    this.id = `a-${Date.now().toString(36)}-${++this.seq}`;
    ui.progress.value = 0;
    ui.result.dataset.status = 'pending';
    ui.result.dataset.requestId = this.id;
    ui.result.innerHTML = '<p class="muted">analyzing…</p>';
    return this.id;
  },

  /** Sends audio:analyze over the page's transport: the WebSocket, or POST /sse/audio-analysis. */
  async run(payload, wavFile) {
    const id = this.begin();
    if (ui.transport.value === 'websocket') {
      if (!main) { this.fail('not connected'); return; }
      main.send('audio:analyze', payload, { id });
      return;
    }
    try {
      const token = await getToken(false);
      const headers = { Authorization: `Bearer ${token}`, Accept: 'text/event-stream', 'X-Request-Id': id };
      let body;
      if (wavFile) {
        headers['Content-Type'] = 'audio/wav';
        body = wavFile;
      } else {
        headers['Content-Type'] = 'application/json';
        body = JSON.stringify({ type: 'audio:analyze', id, payload });
      }
      const r = await fetch('/sse/audio-analysis', { method: 'POST', headers, body });
      if (!r.ok) {
        const e = await r.json().catch(() => ({}));
        this.onEvent({ type: 'error', payload: { ...e, requestId: id } });
        return;
      }
      await readSse(r, (env) => this.onEvent(env));
    } catch (e) {
      if (this.id === id) this.fail(e.message);
    }
  },

  fail(message) {
    ui.result.dataset.status = 'error';
    ui.result.innerHTML = '';
    const p = document.createElement('p');
    p.className = 'error';
    p.textContent = message;
    ui.result.append(p);
  },

  onEvent(env) {
    const p = env.payload || {};
    if (p.requestId !== this.id) return;
    if (env.type === 'analysis:progress') {
      ui.progress.value = Number(p.progress || 0);
    } else if (env.type === 'analysis:result') {
      ui.progress.value = 1;
      this.render(p);
    } else if (env.type === 'error') {
      this.fail(`${p.code || 'ERROR'}: ${p.message || ''}`);
    }
  },

  render(p) {
    const dl = document.createElement('dl');
    const row = (field, label, text) => {
      const dt = document.createElement('dt');
      dt.textContent = label;
      const dd = document.createElement('dd');
      dd.dataset.field = field;
      dd.textContent = text;
      dl.append(dt, dd);
    };
    for (const [field, label, fmt] of FIELDS) {
      if (field in p) row(field, label, fmt(p[field]));
    }
    const segs = Array.isArray(p.voicedSegments) ? p.voicedSegments : [];
    row('voicedSegments', 'voiced segments',
      `${segs.length}${segs.length ? `: ${segs.map((s) => `${s.startMs}–${s.endMs} ms`).join(', ')}` : ''}`);
    ui.result.innerHTML = '';
    ui.result.append(dl);
    ui.result.dataset.result = JSON.stringify(p);
    ui.result.dataset.status = 'done';
  },

  async analyzeFile() {
    const f = ui.file.files[0];
    if (!f) { this.fail('choose a WAV file first'); return; }
    const bytes = new Uint8Array(await f.arrayBuffer());
    await this.run({ format: 'wav', data: toBase64(bytes) }, f);
  },

  async record(ms = 2000) {
    ui.record.disabled = true;
    const chunks = [];
    let total = 0;
    const want = Math.round((CAPTURE_RATE * ms) / 1000);
    let done;
    const full = new Promise((r) => { done = r; });
    const mic = new Microphone((pcm, rms) => {
      ui.level.value = Math.min(1, rms * 4);
      if (total >= want) return;
      chunks.push(pcm);
      total += pcm.length;
      if (total >= want) done();
    });
    try {
      ui.result.dataset.status = 'recording';
      ui.result.innerHTML = '<p class="muted">recording…</p>';
      await mic.start();
      await full;
    } catch (e) {
      this.fail(`microphone unavailable: ${e.message}`);
      return;
    } finally {
      await mic.stop().catch(() => {});
      ui.record.disabled = false;
    }
    const bytes = pcmBytes(chunks).subarray(0, want * 2);
    await this.run({ format: 'pcm16', sampleRate: CAPTURE_RATE, channels: 1, data: toBase64(bytes) });
  },
};

// ---- chat ----------------------------------------------------------------------------------------

const chat = {
  joinId: null, members: new Map(), typers: new Map(), typingSentAt: 0, typingIdle: null, pending: new Map(),

  reset() {
    this.joinId = null;
    this.members.clear();
    for (const t of this.typers.values()) clearTimeout(t);
    this.typers.clear();
    this.renderPresence();
    this.renderTyping();
  },

  join() {
    if (!main) return;
    this.joinId = main.send('room:join', {}, { room: ROOM });
  },

  system(text) {
    const li = document.createElement('li');
    li.className = 'system';
    li.textContent = text;
    ui.chatLog.append(li);
    ui.chatLog.scrollTop = ui.chatLog.scrollHeight;
  },

  send() {
    const content = ui.chatInput.value.trim();
    if (!content || !main) return;
    const clientMsgId = `m-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    main.send('message:send', { content, clientMsgId }, { room: ROOM });
    const li = document.createElement('li');
    li.dataset.clientMsgId = clientMsgId;
    li.dataset.pending = 'true';
    li.dataset.user = ui.user.value.trim();
    li.textContent = `${ui.user.value.trim()}: ${content}`;
    ui.chatLog.append(li);
    ui.chatLog.scrollTop = ui.chatLog.scrollHeight;
    this.pending.set(clientMsgId, li);
    ui.chatInput.value = '';
    this.typing(false);
  },

  /** Tells the room we are typing (at most every 3 s), and that we stopped after 4 s idle. */
  onInput() {
    if (Date.now() - this.typingSentAt > 3000) this.typing(true);
    clearTimeout(this.typingIdle);
    this.typingIdle = setTimeout(() => this.typing(false), 4000);
  },

  typing(on) {
    if (!main || main.state !== 'open') return;
    if (!on && this.typingSentAt === 0) return;
    clearTimeout(this.typingIdle);
    this.typingSentAt = on ? Date.now() : 0;
    main.send('user:typing', { typing: on }, { room: ROOM });
  },

  renderPresence() {
    ui.presence.innerHTML = '';
    for (const [userId, status] of [...this.members.entries()].sort()) {
      const li = document.createElement('li');
      li.dataset.user = userId;
      li.dataset.status = status;
      li.textContent = status === 'online' ? userId : `${userId} (${status})`;
      ui.presence.append(li);
    }
  },

  renderTyping() {
    const users = [...this.typers.keys()].sort();
    ui.typing.dataset.users = users.join(',');
    ui.typing.textContent = users.length === 0 ? ''
      : `${users.join(', ')} ${users.length === 1 ? 'is' : 'are'} typing…`;
  },

  onEvent(env) {
    const p = env.payload || {};
    switch (env.type) {
      case 'room:joined':
        this.members.clear();
        for (const m of p.members || []) this.members.set(m.userId, m.status || 'online');
        this.members.set(ui.user.value.trim(), 'online');
        this.renderPresence();
        this.system(`joined #${(p.room || ROOM).replace(/^channel:/, '')}`);
        break;
      case 'presence:update':
        if (p.userId) {
          this.members.set(p.userId, p.status || 'online');
          this.renderPresence();
        }
        break;
      case 'message:new': {
        if (ui.chatLog.querySelector(`li[data-message-id="${CSS.escape(String(p.messageId))}"]`)) break;
        let li = p.clientMsgId ? this.pending.get(p.clientMsgId) : null;
        if (li) this.pending.delete(p.clientMsgId);
        else {
          li = document.createElement('li');
          ui.chatLog.append(li);
        }
        li.dataset.pending = 'false';
        li.dataset.messageId = String(p.messageId);
        li.dataset.user = p.userId;
        li.textContent = `${p.userId}: ${p.content}`;
        ui.chatLog.scrollTop = ui.chatLog.scrollHeight;
        if (this.typers.has(p.userId)) {
          clearTimeout(this.typers.get(p.userId));
          this.typers.delete(p.userId);
          this.renderTyping();
        }
        break;
      }
      case 'message:status': {
        const li = p.clientMsgId ? this.pending.get(p.clientMsgId) : null;
        if (li && p.status === 'sent') li.dataset.pending = 'false';
        break;
      }
      case 'message:edited': {
        const li = ui.chatLog.querySelector(`li[data-message-id="${CSS.escape(String(p.messageId))}"]`);
        if (li) li.textContent = `${li.dataset.user}: ${p.content} (edited)`;
        break;
      }
      case 'message:deleted': {
        const li = ui.chatLog.querySelector(`li[data-message-id="${CSS.escape(String(p.messageId))}"]`);
        if (li) li.remove();
        break;
      }
      case 'user:typing': {
        if (!p.userId || p.userId === ui.user.value.trim()) break;
        clearTimeout(this.typers.get(p.userId));
        if (p.typing) {
          this.typers.set(p.userId, setTimeout(() => {
            this.typers.delete(p.userId);
            this.renderTyping();
          }, Number(p.expiresInMs || 5000)));
        } else {
          this.typers.delete(p.userId);
        }
        this.renderTyping();
        break;
      }
      case 'error':
        if (p.requestId && p.requestId === this.joinId) {
          this.system(`chat is not available: ${p.code}: ${p.message}`);
        } else if (p.code === 'CHANNEL_ERROR' || p.code === 'RATE_LIMITED') {
          this.system(`${p.code}: ${p.message}`);
        }
        break;
      case 'system:going-away':
        this.system('the server is restarting; reconnecting…');
        break;
      default:
        break;
    }
  },
};

// ---- wiring --------------------------------------------------------------------------------------

ui.form.addEventListener('submit', (e) => { e.preventDefault(); tokenCache = null; connect(); });
ui.disconnect.addEventListener('click', () => { stopLive(); if (main) main.close(); main = null; });
ui.transport.addEventListener('change', () => connect());
ui.start.addEventListener('click', () => live.start());
ui.stop.addEventListener('click', () => live.stop());
ui.liveTextForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = ui.liveText.value.trim();
  const conn = live.connection();
  if (!text || !conn || !live.active) return;
  conn.send('live:text', { text });
  live.append('input', text);
  ui.liveText.value = '';
});
ui.analyze.addEventListener('click', () => analysis.analyzeFile());
ui.record.addEventListener('click', () => analysis.record());
ui.chatForm.addEventListener('submit', (e) => { e.preventDefault(); chat.send(); });
ui.chatInput.addEventListener('input', () => chat.onInput());

async function init() {
  try {
    const r = await fetch('/config.json', { cache: 'no-store' });
    if (r.ok) serverConfig = { ...serverConfig, ...(await r.json()) };
  } catch (e) { /* keep the defaults */ }
  ui.tokenLabel.hidden = !!serverConfig.devTokens;
  ui.user.value = params.get('user') || `guest-${Math.random().toString(36).slice(2, 6)}`;
  const t = params.get('transport') || serverConfig.transport;
  ui.transport.value = t === 'sse' ? 'sse' : 'websocket';
  document.body.dataset.ready = 'true';
  connect();
}

window.voxwire = { get connection() { return main; }, live, analysis, chat };
init();
