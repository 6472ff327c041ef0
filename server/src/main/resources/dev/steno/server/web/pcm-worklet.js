// AudioWorklet that turns the microphone (any context rate, any channel count) into
// 16 kHz mono signed 16-bit little-endian PCM, posted to the main thread in frames of
// `frameSamples` samples (default 1600 = 100 ms) as transferable ArrayBuffers.
//
// Resampling: each output sample is the average of the input over its own output period
// (a box filter integrated exactly over fractional input samples). That is a cheap
// anti-alias low-pass, good enough for speech going to an ASR front end.
//
// Messages from the main thread: {type:'flush'} -> posts what is buffered, then {type:'flushed'}.

class PcmDownsampler extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const opts = (options && options.processorOptions) || {};
    this.targetRate = opts.targetRate || 16000;
    this.frameSamples = opts.frameSamples || Math.round(this.targetRate / 10);
    this.ratio = sampleRate / this.targetRate; // input samples per output sample (>= 1 normally)
    this.acc = 0; // integral of input over the current output period
    this.accLen = 0; // how much of the current output period (in input samples) is filled
    this.frame = new Int16Array(this.frameSamples);
    this.fill = 0;
    this.port.onmessage = (event) => {
      if (event.data && event.data.type === 'flush') {
        this.postFrame(true);
        this.port.postMessage({ type: 'flushed' });
      }
    };
  }

  emit(value) {
    const clamped = value > 1 ? 1 : value < -1 ? -1 : value;
    this.frame[this.fill++] = clamped < 0 ? Math.round(clamped * 0x8000) : Math.round(clamped * 0x7fff);
    if (this.fill === this.frameSamples) this.postFrame(false);
  }

  postFrame(partial) {
    if (this.fill === 0) return;
    const n = this.fill;
    const buffer = new ArrayBuffer(n * 2);
    const view = new DataView(buffer);
    for (let i = 0; i < n; i++) view.setInt16(i * 2, this.frame[i], true); // explicit little-endian
    this.port.postMessage({ type: 'pcm', buffer, partial }, [buffer]);
    this.fill = 0;
  }

  process(inputs) {
    const input = inputs[0];
    if (!input || input.length === 0 || !input[0]) return true;
    const channels = input.length;
    const length = input[0].length;
    if (this.ratio <= 1) {
      // Input at or below the target rate: pass through (rare; no upsampling needed for ASR).
      for (let i = 0; i < length; i++) {
        let sum = 0;
        for (let c = 0; c < channels; c++) sum += input[c][i];
        this.emit(sum / channels);
      }
      return true;
    }
    for (let i = 0; i < length; i++) {
      let x = 0;
      for (let c = 0; c < channels; c++) x += input[c][i];
      x /= channels;
      let remaining = 1; // this input sample covers one unit of input time
      while (remaining > 0) {
        const room = this.ratio - this.accLen;
        if (remaining < room) {
          this.acc += x * remaining;
          this.accLen += remaining;
          remaining = 0;
        } else {
          this.acc += x * room;
          remaining -= room;
          this.emit(this.acc / this.ratio);
          this.acc = 0;
          this.accLen = 0;
        }
      }
    }
    return true;
  }
}

registerProcessor('pcm-downsampler', PcmDownsampler);
