// Steno web UI: microphone -> WebSocket /asr (WhisperLiveKit protocol) -> live transcript.
// Plain ES module, no build step, no network access beyond the page's own server.

import {
  DiffState, SILENCE, formatClock, formatShort, isSilence, normaliseLine, speakerLabel,
  speechLines, toJson, toSrt, toTxt, toVtt,
} from './transcript.js';
import { publish as publishWhip } from './whip.js';

const $ = (id) => document.getElementById(id);
const els = {
  record: $('record'), recordLabel: document.querySelector('#record .record-label'),
  status: $('status'), statusText: $('status-text'), timer: $('timer'), waveform: $('waveform'),
  lines: $('lines'), tentative: $('tentative'), transcript: $('transcript'), emptyHint: $('empty-hint'),
  lagTranscription: $('lag-transcription'), lagPolicy: $('lag-policy'), lagDiarization: $('lag-diarization'),
  wsUrl: $('ws-url'), wsUrlReset: $('ws-url-reset'), mic: $('mic-select'), language: $('language'),
  token: $('token'), capture: $('capture'), diffMode: $('diff-mode'), settings: $('settings'),
  copy: $('copy'), clear: $('clear'), themeToggle: $('theme-toggle'), contrastToggle: $('contrast-toggle'),
  fontSmaller: $('font-smaller'), fontLarger: $('font-larger'), toast: $('toast'), captureInfo: $('capture-info'),
  readAloud: $('read-aloud'), readRate: $('read-rate'), readRateValue: $('read-rate-value'),
};

const TARGET_RATE = 16000;
const FRAME_SAMPLES = 1600; // 100 ms at 16 kHz
const CONFIG_WAIT_MS = 2500; // fall back to MediaRecorder if the server sends no config
const READY_TO_STOP_WAIT_MS = 120000;
const MAX_RECONNECTS = 8;
const FATAL_CLOSE_CODES = new Map([
  [4400, 'the server rejected the request parameters'],
  [4401, 'the access token was rejected'],
  [1008, 'the server refused the connection (policy)'],
]);

// ---------------------------------------------------------------- storage

const store = {
  get(key, fallback = null) {
    try { const v = localStorage.getItem(`steno.${key}`); return v === null ? fallback : v; } catch { return fallback; }
  },
  set(key, value) { try { localStorage.setItem(`steno.${key}`, String(value)); } catch { /* ignore */ } },
  remove(key) { try { localStorage.removeItem(`steno.${key}`); } catch { /* ignore */ } },
};

function defaultWsUrl() {
  if (location.protocol === 'http:' || location.protocol === 'https:') {
    return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/asr`;
  }
  return 'ws://localhost:8000/asr';
}

// ---------------------------------------------------------------- state

/** Lines of earlier server sessions (before a reconnect) and lines pruned by mode=diff. */
const transcript = { archived: [], current: [], buffer: { transcription: '', diarization: '', translation: '' } };
const allLines = () => transcript.archived.concat(transcript.current);

const session = {
  state: 'idle', // idle | connecting | recording | reconnecting | finishing | done | error
  ws: null,
  stream: null,
  audioCtx: null,
  source: null,
  analyser: null,
  worklet: null,
  sink: null,
  recorder: null,
  captureKind: null, // 'pcm' | 'webm'
  whip: null, // the WHIP publication in WebRTC mode
  startedAt: 0,
  stoppedAt: 0,
  offset: 0, // seconds added to the current server session's times
  diff: null,
  forceFull: false,
  configured: false, // current socket sent its config
  everConfigured: false,
  attempts: 0,
  reconnectTimer: 0,
  configTimer: 0,
  finishTimer: 0,
  lastServerError: '',
  noAudio: false,
  bytesSent: 0,
};

// ---------------------------------------------------------------- status

function setState(state, text) {
  session.state = state;
  els.status.dataset.state = state;
  if (text !== undefined) els.statusText.textContent = text;
  const btn = els.record;
  btn.dataset.state = state;
  const active = ['connecting', 'recording', 'reconnecting'].includes(state);
  btn.setAttribute('aria-pressed', String(active));
  els.recordLabel.textContent = {
    connecting: 'Cancel', recording: 'Stop', reconnecting: 'Stop', finishing: 'Finishing…',
  }[state] || 'Record';
  btn.disabled = state === 'finishing';
  const locked = active || state === 'finishing';
  for (const el of [els.wsUrl, els.wsUrlReset, els.mic, els.language, els.token, els.capture, els.diffMode, els.clear]) {
    el.disabled = locked;
  }
  document.body.dataset.state = state;
}

let toastTimer = 0;
function toast(message) {
  els.toast.textContent = message;
  els.toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { els.toast.hidden = true; }, 2600);
}

// ---------------------------------------------------------------- lag chips

function setLag(chip, seconds) {
  const value = chip.querySelector('.chip-value');
  if (typeof seconds === 'number' && Number.isFinite(seconds)) {
    const s = Math.max(0, seconds);
    value.textContent = `${s.toFixed(1)} s`;
    chip.dataset.seconds = String(s);
    chip.dataset.level = s < 1 ? 'ok' : s < 3 ? 'warn' : 'bad';
  } else {
    value.textContent = '—';
    delete chip.dataset.seconds;
    chip.dataset.level = 'none';
  }
}

function resetLags() {
  for (const chip of [els.lagTranscription, els.lagPolicy, els.lagDiarization]) setLag(chip, undefined);
}

// ---------------------------------------------------------------- rendering

function speakerClass(speaker) {
  return speaker > 0 ? `spk-${((speaker - 1) % 8) + 1}` : 'spk-0';
}

function lineKey(l) {
  return `${l.speaker}|${l.start}|${l.end}|${l.text}|${l.translation || ''}|${l.detectedLanguage || ''}`;
}

function buildLine(l) {
  const li = document.createElement('li');
  const silence = isSilence(l);
  li.className = `line ${silence ? 'silence' : speakerClass(l.speaker)}`;
  li.dataset.speaker = String(l.speaker);
  li.dataset.start = String(l.start);
  li.dataset.end = String(l.end);

  const meta = document.createElement('div');
  meta.className = 'meta';
  const badge = document.createElement('span');
  badge.className = 'speaker';
  badge.textContent = silence ? 'silence' : speakerLabel(l.speaker);
  const times = document.createElement('span');
  times.className = 'times';
  times.textContent = `${formatShort(l.start)} – ${formatShort(l.end)}`;
  meta.append(badge, times);

  const text = document.createElement('p');
  text.className = 'text';
  if (silence) {
    text.textContent = `Silence · ${Math.max(0, l.end - l.start).toFixed(1)} s`;
    li.setAttribute('aria-hidden', 'true');
  } else {
    text.textContent = l.text.trim();
    if (l.detectedLanguage) {
      const lang = document.createElement('span');
      lang.className = 'lang';
      lang.textContent = l.detectedLanguage;
      lang.title = 'Detected language';
      text.append(lang);
    }
  }
  li.append(meta, text);
  if (l.translation) {
    const tr = document.createElement('p');
    tr.className = 'translation';
    tr.textContent = l.translation.trim();
    li.append(tr);
  }
  li.dataset.key = lineKey(l);
  return li;
}

function render() {
  const box = els.transcript;
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  const lines = allLines().filter((l) => isSilence(l) || l.text.trim() !== '');
  const nodes = els.lines.children;
  for (let i = 0; i < lines.length; i++) {
    const key = lineKey(lines[i]);
    const existing = nodes[i];
    if (existing && existing.dataset.key === key) continue;
    const fresh = buildLine(lines[i]);
    if (existing) existing.replaceWith(fresh); else els.lines.append(fresh);
  }
  while (nodes.length > lines.length) nodes[nodes.length - 1].remove();

  const { transcription, diarization, translation } = transcript.buffer;
  els.tentative.replaceChildren();
  if (diarization.trim()) {
    const d = document.createElement('span');
    d.className = 'diar';
    d.textContent = diarization;
    els.tentative.append(d);
  }
  if (transcription.trim()) {
    const b = document.createElement('span');
    b.className = 'buf';
    b.textContent = transcription;
    els.tentative.append(b);
  }
  if (translation.trim()) {
    const t = document.createElement('span');
    t.className = 'buf-translation';
    t.textContent = ` (${translation.trim()})`;
    els.tentative.append(t);
  }
  els.emptyHint.hidden = lines.length > 0 || els.tentative.textContent.trim() !== '';
  if (nearBottom) box.scrollTop = box.scrollHeight;
  readNewLines();
}

// ---------------------------------------------------------------- waveform

const wave = { levels: [], lastPush: 0, colors: null, raf: 0, buf: null };

function readWaveColors() {
  const cs = getComputedStyle(document.documentElement);
  wave.colors = { wave: cs.getPropertyValue('--wave').trim() || '#2563eb', faint: cs.getPropertyValue('--faint').trim() || '#999' };
}

function drawWave(now) {
  wave.raf = requestAnimationFrame(drawWave);
  const canvas = els.waveform;
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(canvas.clientWidth * dpr));
  const h = Math.max(1, Math.round(canvas.clientHeight * dpr));
  if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
  if (!wave.colors) readWaveColors();

  const analyser = session.analyser;
  if (analyser && now - wave.lastPush >= 40) {
    wave.lastPush = now;
    if (!wave.buf || wave.buf.length !== analyser.fftSize) wave.buf = new Float32Array(analyser.fftSize);
    analyser.getFloatTimeDomainData(wave.buf);
    let sum = 0;
    for (let i = 0; i < wave.buf.length; i++) sum += wave.buf[i] * wave.buf[i];
    const rms = Math.sqrt(sum / wave.buf.length);
    const db = 20 * Math.log10(rms + 1e-9);
    const level = Math.min(1, Math.max(0, (db + 60) / 54));
    wave.levels.push(level);
    canvas.dataset.level = level.toFixed(3);
    if (wave.levels.length > 600) wave.levels.splice(0, wave.levels.length - 600);
  }

  const ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, w, h);
  const bar = 3 * dpr;
  const gap = 2 * dpr;
  const step = bar + gap;
  const count = Math.floor(w / step);
  const mid = h / 2;
  const live = Boolean(analyser);
  for (let i = 0; i < count; i++) {
    const idx = wave.levels.length - count + i;
    const level = idx >= 0 ? wave.levels[idx] : 0;
    const half = Math.max(dpr, level * (h / 2 - 4 * dpr));
    ctx.fillStyle = live && idx >= 0 ? wave.colors.wave : wave.colors.faint;
    ctx.globalAlpha = live && idx >= 0 ? 0.35 + 0.65 * (i / count) : 0.35;
    ctx.beginPath();
    const x = i * step;
    if (ctx.roundRect) ctx.roundRect(x, mid - half, bar, half * 2, bar / 2); else ctx.rect(x, mid - half, bar, half * 2);
    ctx.fill();
  }
  ctx.globalAlpha = 1;
}

// ---------------------------------------------------------------- timer

let timerInterval = 0;
function updateTimer() {
  if (!session.startedAt) { els.timer.textContent = '0:00'; return; }
  const end = session.stoppedAt || performance.now();
  els.timer.textContent = formatClock((end - session.startedAt) / 1000);
}

// ---------------------------------------------------------------- devices

async function refreshDevices() {
  if (!navigator.mediaDevices?.enumerateDevices) return;
  let devices = [];
  try { devices = await navigator.mediaDevices.enumerateDevices(); } catch { return; }
  const inputs = devices.filter((d) => d.kind === 'audioinput');
  const wanted = els.mic.value || store.get('mic', '');
  els.mic.replaceChildren(new Option('Default microphone', ''));
  inputs.forEach((d, i) => {
    if (!d.deviceId || d.deviceId === 'default') return;
    els.mic.append(new Option(d.label || `Microphone ${i + 1}`, d.deviceId));
  });
  if ([...els.mic.options].some((o) => o.value === wanted)) els.mic.value = wanted;
}

// ---------------------------------------------------------------- connection

function buildWsUrl() {
  let raw = els.wsUrl.value.trim() || defaultWsUrl();
  if (/^https?:/i.test(raw)) raw = raw.replace(/^http/i, 'ws');
  const url = new URL(raw, location.href);
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new Error(`not a WebSocket URL: ${raw}`);
  url.searchParams.set('language', els.language.value || 'auto');
  if (els.diffMode.checked && !session.forceFull) url.searchParams.set('mode', 'diff');
  else url.searchParams.delete('mode');
  const token = els.token.value.trim();
  if (token) url.searchParams.set('token', token); else url.searchParams.delete('token');
  return url;
}

function connect() {
  let url;
  try { url = buildWsUrl(); } catch (e) { fail(`Invalid WebSocket URL: ${e.message}`); return; }
  session.configured = false;
  session.diff = null;
  const shown = `${url.protocol}//${url.host}${url.pathname}`;
  if (session.state !== 'reconnecting') setState('connecting', `Connecting to ${shown}…`);
  else els.statusText.textContent = `Reconnecting to ${shown}…`;

  let ws;
  try { ws = new WebSocket(url.href); } catch (e) { fail(`Cannot open ${shown}: ${e.message}`); return; }
  ws.binaryType = 'arraybuffer';
  session.ws = ws;
  ws.onopen = () => {
    if (ws !== session.ws) return;
    clearTimeout(session.configTimer);
    session.configTimer = setTimeout(() => {
      if (ws === session.ws && !session.configured) onConfig({ type: 'config', useAudioWorklet: false, assumed: true });
    }, CONFIG_WAIT_MS);
  };
  ws.onmessage = (event) => {
    if (ws !== session.ws) return;
    if (typeof event.data !== 'string') return;
    let msg;
    try { msg = JSON.parse(event.data); } catch { console.warn('steno: non-JSON message', event.data); return; }
    onMessage(msg);
  };
  ws.onclose = (event) => { if (ws === session.ws) onClose(event); };
}

function onMessage(msg) {
  switch (msg.type) {
    case 'config': onConfig(msg); return;
    case 'ready_to_stop': onReadyToStop(); return;
    case 'error':
      session.lastServerError = String(msg.error || msg.message || 'server error');
      els.statusText.textContent = `Server error: ${session.lastServerError}`;
      return;
    case 'snapshot':
    case 'diff': onDiffMessage(msg); return;
    default:
      if (msg.type === undefined || Array.isArray(msg.lines)) onState(msg, msg.lines);
  }
}

/**
 * Shows or hides what only diarization fills: the diarization lag chip and the speaker badges. Steno's config
 * message says whether this session is diarized; other servers say nothing, and then a second speaker or a
 * diarization lag reveals it.
 */
function setDiarization(on) {
  els.lagDiarization.closest('li').hidden = !on;
  document.body.dataset.diarization = on ? 'on' : 'off';
}

async function onConfig(msg) {
  if (session.configured) return;
  session.configured = true;
  setDiarization(msg.diarization === true);
  clearTimeout(session.configTimer);
  const reconnect = session.everConfigured;
  session.everConfigured = true;
  session.offset = reconnect ? (performance.now() - session.startedAt) / 1000 : 0;
  if (session.state === 'finishing' || session.state === 'idle' || session.state === 'done') return;

  const pref = els.capture.value;
  const kind = pref === 'pcm' || pref === 'webm' ? pref : (msg.useAudioWorklet ? 'pcm' : 'webm');
  try {
    if (!session.captureKind) {
      await startCapture(kind);
    } else if (session.captureKind === 'webm') {
      startRecorder(); // a new server session needs a new WebM header
    }
  } catch (e) {
    fail(`Audio capture failed: ${e.message || e}`);
    return;
  }
  session.attempts = 0;
  setState('recording', reconnect ? 'Reconnected — recording.' : 'Recording… speak now.');
  if (msg.assumed) console.info('steno: no config from server; using MediaRecorder (WebM/Opus)');
}

function onState(msg, rawLines) {
  const lines = Array.isArray(rawLines) ? rawLines : [];
  transcript.current = lines.map((l) => normaliseLine(l, session.offset));
  transcript.buffer = {
    transcription: typeof msg.buffer_transcription === 'string' ? msg.buffer_transcription : '',
    diarization: typeof msg.buffer_diarization === 'string' ? msg.buffer_diarization : '',
    translation: typeof msg.buffer_translation === 'string' ? msg.buffer_translation : '',
  };
  setLag(els.lagTranscription, msg.remaining_time_transcription);
  setLag(els.lagPolicy, msg.remaining_time_transcription_policy);
  setLag(els.lagDiarization, msg.remaining_time_diarization);
  if (document.body.dataset.diarization !== 'on'
      && (msg.remaining_time_diarization > 0 || transcript.current.some((l) => l.speaker > 1))) {
    setDiarization(true);
  }
  const processing = msg.remaining_time_transcription_processing;
  els.lagTranscription.title = 'Transcription lag: audio not yet transcribed'
    + (typeof processing === 'number' ? ` (compute backlog ${processing.toFixed(1)} s)` : '');

  if (msg.status === 'error' && msg.error) {
    session.lastServerError = String(msg.error);
    els.statusText.textContent = `Server error: ${session.lastServerError}`;
  } else if (session.state === 'recording') {
    const noAudio = msg.status === 'no_audio_detected';
    if (noAudio !== session.noAudio) {
      session.noAudio = noAudio;
      els.statusText.textContent = noAudio ? 'Recording — no speech detected yet.' : 'Recording… speak now.';
    }
  }
  render();
}

function onDiffMessage(msg) {
  if (session.forceFull) return;
  if (!session.diff) session.diff = new DiffState();
  const result = session.diff.apply(msg);
  if (!result.ok) { resync(result.reason); return; }
  if (result.pruned.length) {
    transcript.archived.push(...result.pruned.map((l) => normaliseLine(l, session.offset)));
  }
  onState(msg, session.diff.window);
}

/** mode=diff lost sync: reconnect in full mode (a fresh server session sends complete states). */
function resync(reason) {
  console.warn(`steno: diff stream out of sync (${reason}); switching to full mode`);
  session.forceFull = true;
  if (session.state !== 'recording') return; // finishing: keep what we have, ignore further diffs
  toast('Incremental updates went out of sync — reconnecting in full mode');
  const old = session.ws;
  session.ws = null;
  try { old?.close(1000, 'resync'); } catch { /* ignore */ }
  archiveCurrent();
  stopRecorderOnly();
  setState('reconnecting', 'Re-synchronising…');
  connect();
}

function archiveCurrent() {
  transcript.archived.push(...transcript.current);
  transcript.current = [];
  transcript.buffer = { transcription: '', diarization: '', translation: '' };
}

function onClose(event) {
  clearTimeout(session.configTimer);
  const code = event.code;
  const reason = event.reason || '';
  session.ws = null;
  if (session.state === 'finishing') {
    finish(`Connection closed before the server confirmed the end (code ${code}${reason ? `: ${reason}` : ''}).`);
    return;
  }
  if (!['connecting', 'recording', 'reconnecting'].includes(session.state)) return;

  const fatalWhy = FATAL_CLOSE_CODES.get(code);
  if (fatalWhy || (!session.everConfigured && session.state === 'connecting')) {
    const detail = session.lastServerError || reason;
    if (fatalWhy) fail(`Error ${code}: ${fatalWhy}${detail ? ` (${detail})` : ''}.`);
    else if (detail) fail(`Connection closed (code ${code}): ${detail}`);
    else fail(code === 1006 ? 'Could not connect — is the server running and the WebSocket URL right?' : `Connection closed (code ${code}).`);
    return;
  }
  scheduleReconnect(code, reason);
}

function scheduleReconnect(code, reason) {
  archiveCurrent();
  stopRecorderOnly();
  render();
  session.attempts += 1;
  if (session.attempts > MAX_RECONNECTS) {
    fail(`Connection lost (code ${code}); gave up after ${MAX_RECONNECTS} attempts.`);
    return;
  }
  const base = Math.min(500 * 2 ** (session.attempts - 1), 15000);
  const delay = Math.round(base * (0.8 + Math.random() * 0.4));
  setState('reconnecting',
    `Connection lost (code ${code}${reason ? `: ${reason}` : ''}). Reconnecting in ${(delay / 1000).toFixed(1)} s `
    + `(attempt ${session.attempts}/${MAX_RECONNECTS})…`);
  clearTimeout(session.reconnectTimer);
  session.reconnectTimer = setTimeout(() => {
    if (session.state === 'reconnecting') connect();
  }, delay);
}

function sendAudio(data) {
  const ws = session.ws;
  if (!ws || ws.readyState !== WebSocket.OPEN || !session.configured) return;
  if (session.state !== 'recording' && session.state !== 'finishing') return;
  ws.send(data);
  session.bytesSent += data.byteLength ?? data.size ?? 0;
}

// ---------------------------------------------------------------- capture

async function openMicrophone() {
  if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) {
    throw new Error('microphone access needs https:// or http://localhost');
  }
  const deviceId = els.mic.value;
  const audio = { channelCount: 1 };
  if (deviceId) audio.deviceId = { exact: deviceId };
  try {
    return await navigator.mediaDevices.getUserMedia({ audio });
  } catch (e) {
    if (e.name === 'NotAllowedError') throw new Error('microphone permission was denied');
    if (e.name === 'NotFoundError') throw new Error('no microphone found');
    if (e.name === 'OverconstrainedError' && deviceId) {
      store.remove('mic');
      els.mic.value = '';
      return navigator.mediaDevices.getUserMedia({ audio: true });
    }
    throw e;
  }
}

async function startCapture(kind) {
  if (kind === 'pcm') {
    try {
      await startWorklet();
      return;
    } catch (e) {
      console.warn('steno: AudioWorklet unavailable, falling back to MediaRecorder', e);
    }
  }
  session.captureKind = 'webm';
  startRecorder();
}

async function startWorklet() {
  const ctx = session.audioCtx;
  if (!ctx?.audioWorklet) throw new Error('AudioWorklet is not supported');
  await ctx.audioWorklet.addModule(new URL('pcm-worklet.js', import.meta.url));
  const node = new AudioWorkletNode(ctx, 'pcm-downsampler', {
    numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1],
    processorOptions: { targetRate: TARGET_RATE, frameSamples: FRAME_SAMPLES },
  });
  node.port.onmessage = (event) => {
    const d = event.data;
    if (d?.type === 'pcm') sendAudio(d.buffer);
    else if (d?.type === 'flushed') session.onFlushed?.();
  };
  const sink = ctx.createGain();
  sink.gain.value = 0; // keeps the node pulled by the graph without playing anything back
  session.source.connect(node);
  node.connect(sink).connect(ctx.destination);
  session.worklet = node;
  session.sink = sink;
  session.captureKind = 'pcm';
  session.usedCapture = 'pcm';
  els.captureInfo.textContent = `Audio: PCM 16 kHz mono (from ${ctx.sampleRate / 1000} kHz)`;
}

function pickMimeType() {
  const candidates = ['audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus', 'audio/mp4'];
  if (typeof MediaRecorder === 'undefined') throw new Error('MediaRecorder is not supported');
  return candidates.find((t) => MediaRecorder.isTypeSupported?.(t)) || '';
}

function startRecorder() {
  const mimeType = pickMimeType();
  const recorder = new MediaRecorder(session.stream, mimeType ? { mimeType } : undefined);
  recorder.ondataavailable = (e) => {
    if (e.data && e.data.size > 0 && recorder === session.recorder) sendAudio(e.data);
  };
  recorder.start(100);
  session.recorder = recorder;
  session.usedCapture = 'webm';
  els.captureInfo.textContent = `Audio: ${recorder.mimeType || mimeType || 'MediaRecorder default'}`;
}

function stopRecorderOnly() {
  const r = session.recorder;
  if (r && r.state !== 'inactive') {
    session.recorder = null;
    try { r.stop(); } catch { /* ignore */ }
  }
}

/** Stops capture, sending everything already captured. Resolves when the last audio has been handed to the socket. */
async function drainCapture() {
  if (session.captureKind === 'pcm' && session.worklet) {
    await new Promise((resolve) => {
      const t = setTimeout(resolve, 500);
      session.onFlushed = () => { clearTimeout(t); resolve(); };
      session.worklet.port.postMessage({ type: 'flush' });
    });
    session.onFlushed = null;
  } else if (session.recorder && session.recorder.state !== 'inactive') {
    const r = session.recorder;
    await new Promise((resolve) => {
      const t = setTimeout(resolve, 1000);
      r.addEventListener('stop', () => { clearTimeout(t); resolve(); }, { once: true });
      r.stop(); // fires a final dataavailable (sent by the handler) before 'stop'
    });
    session.recorder = null;
  }
}

function releaseAudio() {
  stopRecorderOnly();
  session.recorder = null;
  try { session.worklet?.disconnect(); } catch { /* ignore */ }
  if (session.worklet) session.worklet.port.onmessage = null;
  session.worklet = null;
  session.stream?.getTracks().forEach((t) => t.stop());
  session.stream = null;
  session.analyser = null;
  session.source = null;
  session.audioCtx?.close().catch(() => {});
  session.audioCtx = null;
  session.captureKind = null;
}

// ---------------------------------------------------------------- start / stop

async function start() {
  clearTimeout(session.finishTimer);
  clearTimeout(session.reconnectTimer);
  Object.assign(session, {
    offset: 0, diff: null, forceFull: false, configured: false, everConfigured: false, attempts: 0,
    lastServerError: '', noAudio: false, bytesSent: 0, usedCapture: null, readyToStop: false, stoppedAt: 0, startedAt: 0,
  });
  transcript.archived = [];
  transcript.current = [];
  transcript.buffer = { transcription: '', diarization: '', translation: '' };
  resetLags();
  render();
  wave.levels = [];
  setState('connecting', 'Requesting microphone…');
  try {
    session.stream = await openMicrophone();
  } catch (e) {
    fail(`Microphone: ${e.message || e}`);
    return;
  }
  if (session.state !== 'connecting') { releaseAudio(); return; } // cancelled meanwhile
  refreshDevices();
  try {
    const ctx = new AudioContext({ latencyHint: 'interactive' });
    session.audioCtx = ctx;
    if (ctx.state === 'suspended') await ctx.resume().catch(() => {});
    session.source = ctx.createMediaStreamSource(session.stream);
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 1024;
    session.source.connect(analyser);
    session.analyser = analyser;
  } catch (e) {
    console.warn('steno: Web Audio unavailable', e);
  }
  session.startedAt = performance.now();
  clearInterval(timerInterval);
  timerInterval = setInterval(updateTimer, 250);
  updateTimer();
  if (els.capture.value === 'webrtc') startWhip(); else connect();
}

/** WebRTC mode: audio over a peer connection (WHIP), the transcript over /whip/<id>/results. */
async function startWhip() {
  let url;
  try { url = buildWsUrl(); } catch (e) { fail(`Invalid WebSocket URL: ${e.message}`); return; }
  setState('connecting', 'Connecting over WebRTC (WHIP)…');
  try {
    const whip = await publishWhip({
      stream: session.stream, asrUrl: url, token: els.token.value.trim(), language: els.language.value,
      onMessage: (msg) => { if (session.state === 'recording' || session.state === 'finishing') onMessage(msg); },
      onEnd: (reason) => { if (session.state === 'recording') fail(reason); },
    });
    if (session.state !== 'connecting') { whip.close(); return; } // cancelled meanwhile
    session.whip = whip;
    session.configured = true;
    session.usedCapture = 'webrtc';
    els.captureInfo.textContent = 'Audio: WebRTC (Opus over DTLS-SRTP, WHIP)';
    setState('recording', 'Recording over WebRTC… speak now.');
  } catch (e) {
    fail(`WebRTC: ${e.message || e}`);
  }
}

async function stop() {
  if (session.state === 'connecting' && !session.configured) {
    const ws = session.ws;
    session.ws = null;
    try { ws?.close(1000, 'cancelled'); } catch { /* ignore */ }
    teardown();
    setState('idle', 'Cancelled.');
    return;
  }
  if (session.state === 'reconnecting') {
    clearTimeout(session.reconnectTimer);
    finish('Stopped while disconnected; the transcript above is what was received.');
    return;
  }
  if (session.state !== 'recording') return;
  setState('finishing', 'Finishing… waiting for the server to transcribe the last words.');
  session.stoppedAt = performance.now();
  updateTimer();
  if (session.whip) {
    const whip = session.whip;
    await whip.finish();
    session.whip = null;
    finish(null);
    return;
  }
  await drainCapture();
  releaseAudio();
  const ws = session.ws;
  if (!ws || ws.readyState !== WebSocket.OPEN) {
    finish('Connection closed before the end of the stream was sent.');
    return;
  }
  ws.send(new ArrayBuffer(0)); // end of stream
  session.finishTimer = setTimeout(() => {
    finish('The server did not confirm the end in time; closed the connection.');
  }, READY_TO_STOP_WAIT_MS);
}

function onReadyToStop() {
  session.readyToStop = true;
  if (session.state !== 'finishing') {
    // Server finished on its own (e.g. it ended the session): treat like a stop.
    if (session.state === 'recording') { session.stoppedAt = performance.now(); releaseAudio(); }
  }
  finish(null);
}

function finish(warning) {
  clearTimeout(session.finishTimer);
  clearTimeout(session.configTimer);
  const ws = session.ws;
  session.ws = null;
  try { if (ws && ws.readyState <= WebSocket.OPEN) ws.close(1000, 'done'); } catch { /* ignore */ }
  transcript.buffer = { transcription: '', diarization: '', translation: '' };
  teardown();
  render();
  const n = speechLines(allLines()).length;
  const summary = `Done — ${n} line${n === 1 ? '' : 's'} transcribed.`;
  setState('done', warning ? `${summary} ${warning}` : `${summary} Download or copy the transcript below.`);
  readNewLines(); // the last line is settled now
}

function fail(message) {
  clearTimeout(session.reconnectTimer);
  clearTimeout(session.finishTimer);
  clearTimeout(session.configTimer);
  const ws = session.ws;
  session.ws = null;
  try { ws?.close(1000, 'error'); } catch { /* ignore */ }
  teardown();
  setState('error', message);
}

function teardown() {
  if (!session.stoppedAt && session.startedAt) session.stoppedAt = performance.now();
  session.whip?.close();
  session.whip = null;
  releaseAudio();
  clearInterval(timerInterval);
  updateTimer();
}

function toggleRecording() {
  if (session.state === 'finishing') return;
  if (['connecting', 'recording', 'reconnecting'].includes(session.state)) stop(); else start();
}

// ---------------------------------------------------------------- export

function timestampName(ext) {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `steno-${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}.${ext}`;
}

function exportText(format) {
  const lines = allLines();
  switch (format) {
    case 'srt': return toSrt(lines);
    case 'vtt': return toVtt(lines);
    case 'json': return toJson(lines, { generator: 'Steno', language: els.language.value, exported: new Date().toISOString() });
    default: return toTxt(lines);
  }
}

const MIME = { txt: 'text/plain', srt: 'application/x-subrip', vtt: 'text/vtt', json: 'application/json' };

function download(format) {
  if (speechLines(allLines()).length === 0) { toast('Nothing to save yet'); return; }
  const blob = new Blob([exportText(format)], { type: `${MIME[format] || 'text/plain'};charset=utf-8` });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = timestampName(format);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  toast(`Saved ${a.download}`);
}

async function copyTranscript() {
  if (speechLines(allLines()).length === 0) { toast('Nothing to copy yet'); return; }
  const text = exportText('txt');
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.append(ta);
    ta.select();
    try { document.execCommand('copy'); } catch { /* ignore */ }
    ta.remove();
  }
  toast('Transcript copied to the clipboard');
}

// ---------------------------------------------------------------- appearance

const FONT_MIN = 0.8;
const FONT_MAX = 1.8;
function setFontScale(scale) {
  const s = Math.round(Math.min(FONT_MAX, Math.max(FONT_MIN, scale)) * 10) / 10;
  document.documentElement.style.setProperty('--font-scale', String(s));
  store.set('fontScale', s);
  els.fontSmaller.disabled = s <= FONT_MIN;
  els.fontLarger.disabled = s >= FONT_MAX;
}
function fontScale() {
  return parseFloat(getComputedStyle(document.documentElement).getPropertyValue('--font-scale')) || 1;
}

function applyTheme(theme, persist) {
  document.documentElement.dataset.theme = theme;
  els.themeToggle.setAttribute('aria-pressed', String(theme === 'dark'));
  els.themeToggle.title = theme === 'dark' ? 'Light theme' : 'Dark theme';
  if (persist) store.set('theme', theme);
  wave.colors = null;
}

function applyContrast(high, persist) {
  if (high) document.documentElement.dataset.contrast = 'high'; else delete document.documentElement.dataset.contrast;
  els.contrastToggle.setAttribute('aria-pressed', String(high));
  if (persist) store.set('contrast', high ? 'high' : 'normal');
  wave.colors = null;
}

// ---------------------------------------------------------------- read-aloud

// Reads each line aloud once it can no longer change, in the line's language, with the browser's speech synthesis.
const reader = { on: false, spoken: 0 };

function readAloudSupported() {
  return typeof window.speechSynthesis === 'object' && window.speechSynthesis !== null
    && typeof SpeechSynthesisUtterance === 'function';
}

/** Speech lines that will not change any more: while a session runs, its last line may still grow. */
function settledSpeechLines() {
  const lines = speechLines(allLines());
  const live = ['connecting', 'recording', 'reconnecting', 'finishing'].includes(session.state);
  return live && transcript.current.length > 0 ? lines.slice(0, -1) : lines;
}

/** The language to read a line in: the detected one, else the one asked for, else the page's. */
function readingLanguage(l) {
  if (l.detectedLanguage) return l.detectedLanguage;
  const chosen = els.language.value;
  return chosen && chosen !== 'auto' ? chosen : (document.documentElement.lang || 'en');
}

function readNewLines() {
  if (!reader.on) return;
  const lines = settledSpeechLines();
  if (reader.spoken > lines.length) reader.spoken = lines.length; // cleared
  for (; reader.spoken < lines.length; reader.spoken++) {
    const l = lines[reader.spoken];
    const u = new SpeechSynthesisUtterance(l.text.trim());
    u.lang = readingLanguage(l);
    u.rate = Number(els.readRate.value) || 1;
    window.speechSynthesis.speak(u);
  }
}

function applyReadAloud(on, persist) {
  reader.on = on && readAloudSupported();
  els.readAloud.setAttribute('aria-pressed', String(reader.on));
  els.readAloud.title = reader.on ? 'Stop reading aloud (Alt+R)' : 'Read new lines aloud (Alt+R)';
  if (persist) store.set('readAloud', reader.on ? '1' : '0');
  if (reader.on) {
    reader.spoken = settledSpeechLines().length; // from now on: the lines already shown are not read
  } else if (readAloudSupported()) {
    window.speechSynthesis.cancel();
  }
}

function setReadRate(value, persist) {
  const r = Math.min(2, Math.max(0.5, Number(value) || 1));
  els.readRate.value = String(r);
  els.readRateValue.textContent = `${r.toFixed(1)}×`;
  if (persist) store.set('readRate', r);
}

// ---------------------------------------------------------------- wiring

function isTextEntry(el) {
  if (!el) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
}

function onKeyDown(e) {
  if ((e.ctrlKey || e.metaKey) && !e.altKey && (e.key === 's' || e.key === 'S')) {
    e.preventDefault();
    download('txt');
    return;
  }
  if (e.altKey && !e.ctrlKey && !e.metaKey && e.code === 'KeyR') {
    e.preventDefault();
    if (!e.repeat) applyReadAloud(!reader.on, true);
    return;
  }
  if (e.ctrlKey || e.metaKey || e.altKey || isTextEntry(e.target)) return;
  const tag = e.target?.tagName;
  if (e.key === ' ' || e.code === 'Space') {
    if (tag === 'BUTTON' || tag === 'SUMMARY' || tag === 'A') return; // native activation
    e.preventDefault();
    if (!e.repeat) toggleRecording();
  } else if (e.key === 'r' || e.key === 'R') {
    if (!e.repeat) toggleRecording();
  } else if (e.key === '+' || e.key === '=') {
    setFontScale(fontScale() + 0.1);
  } else if (e.key === '-' || e.key === '_') {
    setFontScale(fontScale() - 0.1);
  }
}

function init() {
  // settings
  els.wsUrl.value = store.get('wsUrl') || defaultWsUrl();
  els.wsUrl.addEventListener('change', () => {
    const v = els.wsUrl.value.trim();
    if (!v || v === defaultWsUrl()) { store.remove('wsUrl'); els.wsUrl.value = defaultWsUrl(); } else store.set('wsUrl', v);
  });
  els.wsUrlReset.addEventListener('click', () => { store.remove('wsUrl'); els.wsUrl.value = defaultWsUrl(); });
  els.language.value = store.get('language', 'auto');
  if (!els.language.value) els.language.value = 'auto';
  els.language.addEventListener('change', () => store.set('language', els.language.value));
  try { els.token.value = sessionStorage.getItem('steno.token') || ''; } catch { /* ignore */ }
  els.token.addEventListener('change', () => { try { sessionStorage.setItem('steno.token', els.token.value); } catch { /* ignore */ } });
  const params = new URLSearchParams(location.search);
  const captureParam = params.get('capture');
  els.capture.value = ['auto', 'pcm', 'webm'].includes(captureParam) ? captureParam : store.get('capture', 'auto');
  if (!els.capture.value) els.capture.value = 'auto';
  els.capture.addEventListener('change', () => store.set('capture', els.capture.value));
  const modeParam = params.get('mode');
  els.diffMode.checked = modeParam ? modeParam === 'diff' : store.get('diff') === '1';
  els.diffMode.addEventListener('change', () => store.set('diff', els.diffMode.checked ? '1' : '0'));
  els.mic.addEventListener('change', () => store.set('mic', els.mic.value));
  if (store.get('settingsOpen') === '1') els.settings.open = true;
  els.settings.addEventListener('toggle', () => store.set('settingsOpen', els.settings.open ? '1' : '0'));

  // appearance
  applyTheme(document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light', false);
  applyContrast(document.documentElement.dataset.contrast === 'high', false);
  setFontScale(fontScale());
  els.themeToggle.addEventListener('click', () => applyTheme(document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark', true));
  els.contrastToggle.addEventListener('click', () => applyContrast(document.documentElement.dataset.contrast !== 'high', true));
  els.fontSmaller.addEventListener('click', () => setFontScale(fontScale() - 0.1));
  els.fontLarger.addEventListener('click', () => setFontScale(fontScale() + 0.1));
  if (readAloudSupported()) {
    els.readAloud.addEventListener('click', () => applyReadAloud(!reader.on, true));
    applyReadAloud(store.get('readAloud') === '1', false);
  } else {
    els.readAloud.disabled = true;
    els.readAloud.title = 'Read-aloud needs a browser with speech synthesis';
  }
  setReadRate(store.get('readRate', '1'), false);
  els.readRate.addEventListener('input', () => setReadRate(els.readRate.value, true));
  matchMedia('(prefers-color-scheme: dark)').addEventListener?.('change', (e) => {
    if (!store.get('theme')) applyTheme(e.matches ? 'dark' : 'light', false);
  });

  // actions
  els.record.addEventListener('click', toggleRecording);
  document.querySelectorAll('[data-export]').forEach((b) => b.addEventListener('click', () => download(b.dataset.export)));
  els.copy.addEventListener('click', copyTranscript);
  els.clear.addEventListener('click', () => {
    transcript.archived = [];
    transcript.current = [];
    transcript.buffer = { transcription: '', diarization: '', translation: '' };
    resetLags();
    render();
    if (session.state === 'done' || session.state === 'error') setState('idle', 'Ready.');
  });
  document.addEventListener('keydown', onKeyDown);
  window.addEventListener('beforeunload', (e) => {
    if (['recording', 'reconnecting', 'finishing'].includes(session.state)) { e.preventDefault(); e.returnValue = ''; }
  });
  navigator.mediaDevices?.addEventListener?.('devicechange', refreshDevices);

  if (!window.isSecureContext) {
    setState('error', 'Microphone access needs https:// or http://localhost — open this page through one of those.');
  } else {
    setState('idle');
  }
  refreshDevices();
  resetLags();
  render();
  updateTimer();
  wave.raf = requestAnimationFrame(drawWave);
}

// Small hook for tests and power users (read-only views).
window.steno = {
  get state() { return session.state; },
  get captureKind() { return session.usedCapture || null; },
  get bytesSent() { return session.bytesSent; },
  get readyToStop() { return session.readyToStop; },
  get readingAloud() { return reader.on; },
  lines: () => allLines().map((l) => ({ ...l })),
  export: (format) => exportText(format),
  SILENCE,
};

init();
