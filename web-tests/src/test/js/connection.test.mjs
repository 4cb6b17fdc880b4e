// Unit tests (node:test) of the page's client, static/connection.js, against scripted fake servers:
// the resume rules of contracts C2 on WebSocket, Last-Event-ID resume on SSE, and the SSE parser.
// Run by DemoPageBrowserTest: `node --test connection.test.mjs` with VOXWIRE_STATIC_DIR set to the
// server's static folder. Waits are promises that resolve on the awaited event, with timeouts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const dir = process.env.VOXWIRE_STATIC_DIR;
if (!dir) throw new Error('VOXWIRE_STATIC_DIR is not set');
const { Connection, readSse, binaryFrameOf, jsonOf } = await import(pathToFileURL(path.join(dir, 'connection.js')).href);

globalThis.location = { protocol: 'http:', host: '127.0.0.1:1' };

/** Resolves when check() is true (re-checked on every call of poke()), or fails after ms. */
function until(check, what, ms = 3000) {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const tick = () => {
      if (check()) { resolve(); return; }
      if (Date.now() - t0 > ms) { reject(new Error(`timed out waiting for ${what}`)); return; }
      setImmediate(tick);
    };
    tick();
  });
}

// ---- a scripted WebSocket ---------------------------------------------------------------------------

const sockets = [];
class FakeWebSocket {
  static OPEN = 1;
  constructor(url, protocols) {
    this.url = url;
    this.protocols = protocols;
    this.readyState = 0;
    this.sent = [];
    sockets.push(this);
    queueMicrotask(() => { this.readyState = 1; this.onopen?.(); });
  }
  send(m) { this.sent.push(typeof m === 'string' ? JSON.parse(m) : { binary: m }); }
  close() { this.readyState = 3; }
  // server side
  push(env) { this.onmessage?.({ data: JSON.stringify(env) }); }
  drop(code = 1006) { this.readyState = 3; this.onclose?.({ code, reason: '' }); }
}
globalThis.WebSocket = FakeWebSocket;

function client(transport = 'websocket') {
  const log = { events: [], sessions: [], states: [] };
  const conn = new Connection({
    transport,
    token: async () => 'T0K3N',
    onEvent: (e) => log.events.push(e),
    onState: (s, a) => log.states.push(`${s}:${a}`),
    onSession: (i) => log.sessions.push(i),
  });
  return { conn, log };
}

const connected = (sessionId, seq = 1) => ({ type: 'system:connected', seq, payload: { sessionId, heartbeatMs: 20000 } });

test('websocket: token as subprotocol, queued sends flushed once open, duplicates by seq ignored', async () => {
  sockets.length = 0;
  const { conn, log } = client();
  conn.start();
  conn.send('room:join', {}, { room: 'channel:general', id: 'j1' });
  await until(() => sockets.length === 1, 'a socket');
  const ws = sockets[0];
  assert.equal(ws.url, 'ws://127.0.0.1:1/ws');
  assert.deepEqual(ws.protocols, ['voxwire.v1', 'voxwire.bearer.T0K3N']);
  await until(() => ws.readyState === 1, 'open');
  assert.equal(ws.sent.length, 0, 'nothing is sent before system:connected');
  ws.push(connected('s1'));
  assert.equal(conn.state, 'open');
  assert.deepEqual(log.sessions, [{ sessionId: 's1', resumed: false, reconnect: false }]);
  assert.deepEqual(ws.sent.map((e) => [e.type, e.id, e.room]), [['room:join', 'j1', 'channel:general']]);
  ws.push({ type: 'message:new', seq: 2, payload: { n: 2 } });
  ws.push({ type: 'message:new', seq: 3, payload: { n: 3 } });
  ws.push({ type: 'message:new', seq: 3, payload: { n: 3 } });
  ws.push({ type: 'message:new', seq: 2, payload: { n: 2 } });
  assert.deepEqual(log.events.filter((e) => e.type === 'message:new').map((e) => e.seq), [2, 3]);
  conn.close();
  assert.equal(conn.state, 'closed');
});

test('websocket: bytes go as a binary frame only when the server announces binaryFrames', async () => {
  sockets.length = 0;
  const { conn } = client();
  conn.start();
  await until(() => sockets.length === 1 && sockets[0].readyState === 1, 'an open socket');
  const ws = sockets[0];
  ws.push({ type: 'system:connected', seq: 1, payload: { sessionId: 'b1', heartbeatMs: 20000, binaryFrames: true } });
  const pcm = new Uint8Array([1, 2, 3, 250]);
  conn.send('live:audio', { data: pcm, sampleRate: 16000 }, { id: 'a1' });
  conn.send('system:ping', {}, { id: 'p1' });
  assert.equal(ws.sent.length, 2);
  const frame = ws.sent[0].binary;
  assert.ok(frame instanceof Uint8Array, 'the audio went as a binary frame');
  const n = new DataView(frame.buffer, frame.byteOffset).getUint32(0, false);
  const header = JSON.parse(new TextDecoder().decode(frame.subarray(4, 4 + n)));
  assert.deepEqual(header, { type: 'live:audio', id: 'a1', payload: { sampleRate: 16000 } });
  assert.deepEqual([...frame.subarray(4 + n)], [1, 2, 3, 250]);
  assert.deepEqual(ws.sent[1], { type: 'system:ping', id: 'p1', payload: {} });
  assert.equal(conn.binaryFramesSent, 1);
  conn.close();

  sockets.length = 0;
  const other = client().conn;
  other.start();
  await until(() => sockets.length === 1 && sockets[0].readyState === 1, 'an open socket');
  sockets[0].push(connected('b2'));
  other.send('live:audio', { data: pcm }, { id: 'a2' });
  assert.deepEqual(sockets[0].sent[0], { type: 'live:audio', id: 'a2', payload: { data: 'AQID+g==' } });
  other.close();
});

test('jsonOf and binaryFrameOf leave events without bytes alone', () => {
  const env = { type: 'message:send', id: 'm1', payload: { content: 'hi' } };
  assert.equal(jsonOf(env), JSON.stringify(env));
  assert.equal(new DataView(binaryFrameOf({ type: 'live:audio', payload: { data: new Uint8Array(0) } }).buffer)
    .getUint32(0, false), '{"type":"live:audio","payload":{}}'.length);
});

test('websocket: after a reconnect the first message is session:resume; resumed keeps the session', async () => {
  sockets.length = 0;
  const { conn, log } = client();
  conn.start();
  await until(() => sockets.length === 1 && sockets[0].readyState === 1, 'first socket');
  const first = sockets[0];
  first.push(connected('old'));
  first.push({ type: 'message:new', seq: 2, payload: {} });
  first.push({ type: 'system:going-away', seq: 3, payload: { reconnectAfterMs: 0 } });
  first.drop(1001);
  assert.equal(conn.state, 'reconnecting');
  assert.ok(log.states.includes('reconnecting:1'), log.states.join());
  conn.send('message:send', { content: 'while away' }, { room: 'channel:general', id: 'm1' });
  await until(() => sockets.length === 2 && sockets[1].readyState === 1, 'second socket');
  const second = sockets[1];
  second.push(connected('fresh'));
  assert.deepEqual(second.sent, [{ type: 'session:resume', id: second.sent[0].id, payload: { sessionId: 'old', lastSeq: 3 } }]);
  assert.notEqual(conn.state, 'open', 'open only once the resume is answered');
  const rid = second.sent[0].id;
  second.push({ type: 'message:new', seq: 4, payload: { replayed: true } });           // missed, replayed
  second.push({ type: 'session:resumed', seq: 5, payload: { requestId: rid, sessionId: 'old', replayed: 1 } });
  assert.equal(conn.state, 'open');
  assert.deepEqual(log.sessions.at(-1), { sessionId: 'old', resumed: true, reconnect: true, reason: undefined });
  assert.deepEqual(second.sent.slice(1).map((e) => e.id), ['m1'], 'queued send goes after the resume');
  second.push({ type: 'message:new', seq: 4, payload: {} });                           // duplicate
  second.push({ type: 'message:new', seq: 6, payload: {} });
  assert.deepEqual(log.events.filter((e) => e.type === 'message:new').map((e) => e.seq), [2, 4, 6]);
  conn.close();
});

test('websocket: session:reset after a reconnect announces a new session (the app reloads)', async () => {
  sockets.length = 0;
  const { conn, log } = client();
  conn.start();
  await until(() => sockets.length === 1 && sockets[0].readyState === 1, 'first socket');
  sockets[0].push(connected('old'));
  sockets[0].push({ type: 'system:going-away', seq: 2, payload: { reconnectAfterMs: 0 } });
  sockets[0].drop();
  await until(() => sockets.length === 2 && sockets[1].readyState === 1, 'second socket');
  const second = sockets[1];
  second.push(connected('fresh'));
  const rid = second.sent[0].id;
  second.push({ type: 'session:reset', seq: 2, payload: { requestId: rid, reason: 'unknown session' } });
  assert.equal(conn.state, 'open');
  assert.deepEqual(log.sessions.at(-1), { sessionId: 'fresh', resumed: false, reconnect: true, reason: 'unknown session' });
  second.push({ type: 'message:new', seq: 2, payload: {} }); // seq 2 of the new session was the reset itself
  second.push({ type: 'message:new', seq: 3, payload: {} });
  assert.deepEqual(log.events.filter((e) => e.type === 'message:new').map((e) => e.seq), [3]);
  conn.close();
});

// ---- SSE --------------------------------------------------------------------------------------------

function sseResponse(chunks, headers = {}, keepOpen = false) {
  const body = new ReadableStream({
    start(c) {
      for (const ch of chunks) c.enqueue(new TextEncoder().encode(ch));
      if (!keepOpen) c.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream', ...headers } });
}

test('readSse parses events split across chunks, CRLF lines, comments and multi-line data', async () => {
  const got = [];
  await readSse(sseResponse([
    ': heartbeat\n\nid: 1\nevent: a\ndata: {"type":"a",',
    '"seq":1}\n\r\nid: 2\r\ndata: {"type":"b",\r\ndata: "seq":2}\r\n\r\n',
    'data: not json\n\n',
  ]), (e) => got.push(e));
  assert.deepEqual(got, [{ type: 'a', seq: 1 }, { type: 'b', seq: 2 }]);
});

test('sse: reconnects with X-Voxwire-Session and Last-Event-ID; the same session id means resumed', async () => {
  const calls = [];
  const streams = [
    () => sseResponse([`data: ${JSON.stringify(connected('sse-1'))}\n\n`,
      `data: ${JSON.stringify({ type: 'message:new', seq: 2, payload: {} })}\n\n`,
      `data: ${JSON.stringify({ type: 'system:going-away', seq: 3, payload: { reconnectAfterMs: 0 } })}\n\n`],
    { 'X-Voxwire-Session': 'sse-1' }),
    () => sseResponse([`data: ${JSON.stringify({ type: 'message:new', seq: 3, payload: {} })}\n\n`,
      `data: ${JSON.stringify({ type: 'message:new', seq: 4, payload: {} })}\n\n`], { 'X-Voxwire-Session': 'sse-1' }, true),
  ];
  globalThis.fetch = async (url, init) => {
    calls.push({ url, headers: init.headers, body: init.body });
    if (url === '/sse/send') return new Response('{}', { status: 202 });
    const next = streams.shift();
    assert.ok(next, 'no third GET /sse/events expected');
    return next();
  };
  const { conn, log } = client('sse');
  conn.start();
  await until(() => log.events.some((e) => e.seq === 4), 'the replayed events');
  const gets = calls.filter((c) => c.url === '/sse/events');
  assert.equal(gets[0].headers.Authorization, 'Bearer T0K3N');
  assert.equal(gets[0].headers['X-Voxwire-Session'], undefined);
  assert.equal(gets[1].headers['X-Voxwire-Session'], 'sse-1');
  assert.equal(gets[1].headers['Last-Event-ID'], '3');
  assert.deepEqual(log.events.filter((e) => e.type === 'message:new').map((e) => e.seq), [2, 4]);
  assert.deepEqual(log.sessions, [
    { sessionId: 'sse-1', resumed: false, reconnect: false },
    { sessionId: 'sse-1', resumed: true, reconnect: true },
  ]);
  conn.send('message:send', { content: 'x' }, { room: 'channel:general', id: 'p1' });
  await until(() => calls.some((c) => c.url === '/sse/send'), 'POST /sse/send');
  const post = calls.find((c) => c.url === '/sse/send');
  assert.equal(post.headers['X-Voxwire-Session'], 'sse-1');
  assert.equal(JSON.parse(post.body).id, 'p1');
  conn.send('live:audio', { data: new Uint8Array([1, 2, 3, 250]) }, { id: 'a9' }); // SSE: bytes as base64
  await until(() => calls.filter((c) => c.url === '/sse/send').length === 2, 'a second POST /sse/send');
  assert.deepEqual(JSON.parse(calls.filter((c) => c.url === '/sse/send')[1].body),
    { type: 'live:audio', id: 'a9', payload: { data: 'AQID+g==' } });
  conn.close();
});

test('sse: a new session after a reconnect is announced once (system:connected, then session:reset)', async () => {
  const streams = [
    () => sseResponse([`data: ${JSON.stringify(connected('gone'))}\n\n`], { 'X-Voxwire-Session': 'gone' }),
    () => sseResponse([`data: ${JSON.stringify(connected('new'))}\n\n`,
      `data: ${JSON.stringify({ type: 'session:reset', seq: 2, payload: { reason: 'unknown session' } })}\n\n`,
      `data: ${JSON.stringify({ type: 'message:new', seq: 3, payload: {} })}\n\n`], { 'X-Voxwire-Session': 'new' }, true),
  ];
  const gets = [];
  globalThis.fetch = async (url, init) => {
    gets.push(init.headers);
    const next = streams.shift();
    assert.ok(next, 'no third GET /sse/events expected');
    return next();
  };
  const { conn, log } = client('sse');
  conn.start();
  await until(() => log.events.some((e) => e.type === 'message:new'), 'the new session\'s events');
  assert.equal(gets[1]['X-Voxwire-Session'], 'gone');
  assert.equal(gets[1]['Last-Event-ID'], '1');
  assert.deepEqual(log.sessions, [
    { sessionId: 'gone', resumed: false, reconnect: false },
    { sessionId: 'new', resumed: false, reconnect: true },
  ]);
  assert.equal(conn.state, 'open');
  conn.close();
});
