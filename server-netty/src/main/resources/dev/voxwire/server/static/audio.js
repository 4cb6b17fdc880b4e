// Microphone capture (getUserMedia + the pcm-capture AudioWorklet: 16 kHz PCM16 chunks), playback
// of 24 kHz PCM16 answers, and base64 / WAV helpers.

export const CAPTURE_RATE = 16000;

/** Base64 of bytes (chunked so large buffers do not overflow the call stack). */
export function toBase64(bytes) {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let s = '';
  for (let i = 0; i < u8.length; i += 0x8000) {
    s += String.fromCharCode.apply(null, u8.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/** Bytes of base64 text. */
export function fromBase64(text) {
  const s = atob(text);
  const u8 = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) u8[i] = s.charCodeAt(i);
  return u8;
}

/** Joins Int16Array chunks into one little-endian byte array. */
export function pcmBytes(chunks) {
  const n = chunks.reduce((a, c) => a + c.length, 0);
  const out = new Int16Array(n);
  let o = 0;
  for (const c of chunks) { out.set(c, o); o += c.length; }
  return new Uint8Array(out.buffer); // browsers are little-endian
}

/**
 * The microphone as a stream of 16 kHz mono PCM16 chunks.
 * onChunk(Int16Array, rms) is called every chunkMs (default 40 ms).
 */
export class Microphone {
  constructor(onChunk, chunkMs = 40) {
    this.onChunk = onChunk;
    this.chunkSamples = Math.round((CAPTURE_RATE * chunkMs) / 1000);
    this.ctx = null;
    this.stream = null;
  }

  async start() {
    this.stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: false, autoGainControl: false },
    });
    this.ctx = new AudioContext();
    await this.ctx.audioWorklet.addModule('/static/pcm-worklet.js');
    const source = this.ctx.createMediaStreamSource(this.stream);
    this.node = new AudioWorkletNode(this.ctx, 'pcm-capture', {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      processorOptions: { targetRate: CAPTURE_RATE, chunkSamples: this.chunkSamples },
    });
    this.node.port.onmessage = (m) => this.onChunk(new Int16Array(m.data.pcm), m.data.rms);
    const mute = this.ctx.createGain(); // keeps the worklet pulled without playing the microphone
    mute.gain.value = 0;
    source.connect(this.node).connect(mute).connect(this.ctx.destination);
    await this.ctx.resume();
  }

  async stop() {
    if (this.node) this.node.port.onmessage = null;
    if (this.stream) this.stream.getTracks().forEach((t) => t.stop());
    if (this.ctx) await this.ctx.close();
    this.node = this.stream = this.ctx = null;
  }
}

/** Plays PCM16 chunks back to back (gapless), e.g. 24 kHz live:audio answers. */
export class Player {
  constructor() {
    this.ctx = null;
    this.playhead = 0;
    this.sources = new Set();
  }

  /** Call from a user gesture (autoplay rules). */
  unlock() {
    if (!this.ctx) this.ctx = new AudioContext();
    return this.ctx.resume();
  }

  play(bytes, sampleRate = 24000) {
    if (!this.ctx) this.ctx = new AudioContext();
    const samples = new Int16Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 2));
    if (samples.length === 0) return;
    const buffer = this.ctx.createBuffer(1, samples.length, sampleRate);
    const ch = buffer.getChannelData(0);
    for (let i = 0; i < samples.length; i++) ch[i] = samples[i] / 32768;
    const src = this.ctx.createBufferSource();
    src.buffer = buffer;
    src.connect(this.ctx.destination);
    const now = this.ctx.currentTime;
    if (this.playhead < now + 0.02) this.playhead = now + 0.05; // small jitter buffer after a gap
    src.start(this.playhead);
    this.playhead += buffer.duration;
    this.sources.add(src);
    src.onended = () => this.sources.delete(src);
  }

  /** Stops what is playing and queued (live:interrupted). */
  interrupt() {
    for (const s of this.sources) {
      try { s.stop(); } catch (e) { /* not started */ }
    }
    this.sources.clear();
    this.playhead = 0;
  }
}
