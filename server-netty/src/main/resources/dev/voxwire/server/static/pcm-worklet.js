// AudioWorklet processor: mixes the microphone to mono, downsamples it to 16 kHz (averaging each
// output sample's span of input samples, a simple anti-alias filter) and posts 16-bit PCM chunks
// of `chunkSamples` samples (default 640 = 40 ms) to the page, with their RMS level.
class PcmCaptureProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const o = (options && options.processorOptions) || {};
    this.targetRate = o.targetRate || 16000;
    this.chunkSamples = o.chunkSamples || 640;
    this.step = sampleRate / this.targetRate; // input samples per output sample (sampleRate: global)
    this.acc = 0;
    this.accN = 0;
    this.t = 0;
    this.chunk = new Int16Array(this.chunkSamples);
    this.n = 0;
    this.sumSq = 0;
  }

  emit(x) {
    const v = Math.max(-1, Math.min(1, x));
    this.chunk[this.n++] = v < 0 ? Math.round(v * 32768) : Math.round(v * 32767);
    this.sumSq += v * v;
    if (this.n === this.chunkSamples) {
      const pcm = this.chunk;
      this.port.postMessage({ pcm: pcm.buffer, rms: Math.sqrt(this.sumSq / this.n) }, [pcm.buffer]);
      this.chunk = new Int16Array(this.chunkSamples);
      this.n = 0;
      this.sumSq = 0;
    }
  }

  process(inputs) {
    const input = inputs[0];
    if (!input || input.length === 0 || !input[0]) return true;
    const frames = input[0].length;
    const channels = input.length;
    for (let i = 0; i < frames; i++) {
      let x = 0;
      for (let c = 0; c < channels; c++) x += input[c][i];
      x /= channels;
      if (this.step <= 1) { // input at or below 16 kHz: pass through (no upsampling)
        this.emit(x);
        continue;
      }
      this.acc += x;
      this.accN += 1;
      this.t += 1;
      if (this.t >= this.step) {
        this.emit(this.acc / this.accN);
        this.t -= this.step;
        this.acc = 0;
        this.accN = 0;
      }
    }
    return true;
  }
}

registerProcessor('pcm-capture', PcmCaptureProcessor);
