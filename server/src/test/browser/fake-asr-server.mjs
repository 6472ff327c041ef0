#!/usr/bin/env node
// A small stand-in for the Steno server, for UI work without the Java side.
// Serves the web UI folder statically and speaks the WhisperLiveKit /asr protocol with canned
// content that follows how much audio arrived (PCM bytes, or wall clock for WebM): growing lines,
// tentative text, a silence line, two speakers, lag figures; mode=diff; ready_to_stop after the
// empty frame; 4400 / 4401 closes.
//
//   node fake-asr-server.mjs [--port 0] [--host 127.0.0.1] [--token T] [--webm] [--drop-after S]
//                            [--diff-glitch N] [--web DIR]
//
// Prints one line `listening http://HOST:PORT` on stdout once ready. --webm makes the config say
// useAudioWorklet:false (as a server without --pcm-input). --drop-after S closes the first socket
// with 1011 after S seconds of audio (to exercise the UI's reconnect). --diff-glitch N sends a
// wrong n_lines in the N-th diff (to exercise re-sync).

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';

const here = fileURLToPath(new URL('.', import.meta.url));
const args = parseArgs(process.argv.slice(2));
const webRoot = resolve(args.web || join(here, '../../main/resources/dev/steno/server/web'));
const PCM_BYTES_PER_SECOND = 16000 * 2;

function parseArgs(argv) {
  const out = { port: 0, host: '127.0.0.1', token: '', webm: false, dropAfter: 0, diffGlitch: 0, web: '' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--port') out.port = Number(next());
    else if (a === '--host') out.host = next();
    else if (a === '--token') out.token = next();
    else if (a === '--webm') out.webm = true;
    else if (a === '--drop-after') out.dropAfter = Number(next());
    else if (a === '--diff-glitch') out.diffGlitch = Number(next());
    else if (a === '--web') out.web = next();
    else { console.error(`unknown argument ${a}`); process.exit(2); }
  }
  return out;
}

// ------------------------------------------------------------------ static files

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8',
};

async function serveStatic(req, res) {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', backend: 'fake', ready: true }));
    return;
  }
  let path = decodeURIComponent(url.pathname);
  if (path.endsWith('/')) path += 'index.html';
  const file = normalize(join(webRoot, path));
  if (file !== webRoot && !file.startsWith(webRoot + sep)) { res.writeHead(403).end(); return; }
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file');
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream', 'cache-control': 'no-cache' });
    res.end(body);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }
}

// ------------------------------------------------------------------ canned transcript

// JFK, "ask not" (the jfk.wav fixture), word start times in seconds, in segments.
const SCRIPT = [
  { speaker: 1, words: [['And', 0.3], ['so', 0.6], ['my', 0.9], ['fellow', 1.1], ['Americans,', 1.5]], end: 2.2 },
  { speaker: 1, words: [['ask', 3.1], ['not', 3.6], ['what', 4.3], ['your', 4.5], ['country', 4.8], ['can', 5.3], ['do', 5.5], ['for', 5.8], ['you,', 6.0]], end: 6.4 },
  { speaker: 2, words: [['ask', 7.7], ['what', 8.1], ['you', 8.4], ['can', 8.7], ['do', 9.0], ['for', 9.3], ['your', 9.6], ['country.', 10.1]], end: 10.8 },
];
const LOOP = 11.5;

/** Words (with speaker and segment id) starting before `t`, the script looping every LOOP seconds. */
function wordsUntil(t) {
  const out = [];
  for (let k = 0; k * LOOP <= t; k++) {
    SCRIPT.forEach((seg, si) => {
      for (const [w, at] of seg.words) {
        const time = at + k * LOOP;
        if (time <= t) {
          out.push({ w, time, seg: k * SCRIPT.length + si, speaker: k % 2 ? 3 - seg.speaker : seg.speaker, end: seg.end + k * LOOP });
        }
      }
    });
  }
  return out;
}

function fmt(seconds) {
  const cs = Math.max(0, Math.round(seconds * 100));
  const h = Math.floor(cs / 360000);
  const m = Math.floor(cs / 6000) % 60;
  const s = Math.floor(cs / 100) % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(cs % 100).padStart(2, '0')}`;
}

/** Lines from committed words: a line per segment, a silence line when segments are >0.8 s apart. */
function buildLines(committed, final) {
  const lines = [];
  let prevEnd = 0;
  const groups = [];
  for (const word of committed) {
    const g = groups[groups.length - 1];
    if (g && g.seg === word.seg) g.words.push(word); else groups.push({ seg: word.seg, speaker: word.speaker, words: [word], end: word.end });
  }
  groups.forEach((g, i) => {
    const start = g.words[0].time - 0.1;
    if (start - prevEnd > 0.8) lines.push({ speaker: -2, text: null, start: fmt(prevEnd), end: fmt(start) });
    const complete = final || i < groups.length - 1;
    const last = g.words[g.words.length - 1].time + 0.35;
    const end = complete ? g.end : last;
    lines.push({ speaker: g.speaker, text: ' ' + g.words.map((x) => x.w).join(' '), start: fmt(start), end: fmt(end) });
    prevEnd = end;
  });
  return lines;
}

// ------------------------------------------------------------------ /asr

const LANG = /^(auto|[a-z]{2,3})$/;
let connections = 0;

const wss = new WebSocketServer({ noServer: true });
wss.on('connection', (ws, req, params) => {
  const id = ++connections;
  const mode = params.mode;
  ws.send(JSON.stringify({ type: 'config', useAudioWorklet: !args.webm, mode }));

  let pcmBytes = 0;
  let isWebm = null;
  let firstAudioAt = 0;
  let ended = false;
  let endAudio = 0;
  let last = '';
  let seq = 0;
  let diffs = 0;
  let sentLines = []; // mode=diff: what the client's window holds
  let sentCount = 0; // mode=diff: complete lines sent so far (pruned ones included)
  const startedAt = Date.now();

  const audioSeconds = () => {
    if (isWebm) return firstAudioAt ? (Date.now() - firstAudioAt) / 1000 : 0;
    return pcmBytes / PCM_BYTES_PER_SECOND;
  };

  function state(final) {
    const t = ended ? endAudio : audioSeconds();
    const processed = final ? t : Math.max(0, t - 0.45);
    const committedUntil = final ? t : Math.max(0, t - 1.4);
    const all = wordsUntil(processed);
    const committed = all.filter((w) => w.time <= committedUntil);
    const pending = all.filter((w) => w.time > committedUntil);
    const wall = (Date.now() - startedAt) / 1000;
    const wobble = Math.sin(wall * 1.7);
    return {
      status: t < 0.2 && !final ? 'no_audio_detected' : 'active_transcription',
      lines: buildLines(committed, final),
      buffer_transcription: pending.length ? ' ' + pending.map((w) => w.w).join(' ') : '',
      buffer_diarization: '',
      buffer_translation: '',
      remaining_time_transcription: final ? 0 : round(0.55 + 0.25 * wobble),
      remaining_time_transcription_processing: final ? 0 : round(0.2 + 0.1 * wobble),
      remaining_time_transcription_policy: final ? 0 : round(0.9 + 0.4 * wobble),
      remaining_time_diarization: final ? 0 : round(1.6 + 0.9 * Math.cos(wall)),
    };
  }

  function send(final = false) {
    const s = state(final);
    if (mode !== 'diff') {
      const text = JSON.stringify(s);
      if (text !== last) { ws.send(text); last = text; }
      return;
    }
    // mode=diff: the window holds complete lines only (immutable once sent); the line still
    // growing travels as buffer text; at most 4 lines are kept, older ones pruned from the front.
    const complete = final ? s.lines : s.lines.slice(0, -1);
    const growing = final ? '' : (s.lines.length ? (s.lines[s.lines.length - 1].text || '') : '');
    const buffers = { ...s, buffer_transcription: growing + s.buffer_transcription };
    delete buffers.lines;
    const fresh = complete.slice(sentCount);
    let window = sentLines.concat(fresh);
    const prune = Math.max(0, window.length - 4);
    window = window.slice(prune);
    let msg;
    if (seq === 0) {
      msg = { type: 'snapshot', seq: ++seq, ...buffers, lines: window };
    } else {
      diffs++;
      msg = { type: 'diff', seq: ++seq, ...buffers, n_lines: window.length };
      if (prune) msg.lines_pruned = prune;
      if (fresh.length) msg.new_lines = fresh;
      if (args.diffGlitch && diffs === args.diffGlitch) msg.n_lines += 1;
    }
    sentCount += fresh.length;
    sentLines = window;
    const key = JSON.stringify({ ...msg, seq: 0 });
    if (key === last && !final) { seq--; return; } // nothing changed: send nothing
    last = key;
    ws.send(JSON.stringify(msg));
  }

  const tick = setInterval(() => {
    if (ws.readyState !== ws.OPEN) return;
    if (!ended && (pcmBytes > 0 || firstAudioAt)) send(false);
    if (args.dropAfter && id === 1 && !ended && audioSeconds() >= args.dropAfter) {
      ws.close(1011, 'simulated server restart');
    }
  }, 100);

  ws.on('message', (data, isBinary) => {
    if (!isBinary) return;
    if (data.length === 0) {
      if (ended) return;
      ended = true;
      endAudio = audioSeconds();
      // Flush what is left, as a real server would after the end of stream.
      setTimeout(() => {
        if (ws.readyState !== ws.OPEN) return;
        send(true);
        ws.send(JSON.stringify({ type: 'ready_to_stop' }));
        setTimeout(() => ws.close(1000, 'done'), 5000).unref();
      }, 600);
      return;
    }
    if (isWebm === null) isWebm = data.length >= 4 && data.readUInt32BE(0) === 0x1a45dfa3;
    if (!firstAudioAt) firstAudioAt = Date.now();
    pcmBytes += data.length;
  });
  ws.on('close', () => clearInterval(tick));
  console.error(`[fake-asr] #${id} open mode=${mode} language=${params.language}`);
});

function round(x) { return Math.round(x * 100) / 100; }

function rejectWs(req, socket, head, code, error) {
  wss.handleUpgrade(req, socket, head, (ws) => {
    if (error) ws.send(JSON.stringify({ type: 'error', error }));
    ws.close(code, error ? error.slice(0, 100) : 'unauthorized');
  });
}

const server = createServer((req, res) => { serveStatic(req, res).catch(() => res.writeHead(500).end()); });
server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname !== '/asr') { socket.destroy(); return; }
  const language = url.searchParams.get('language') || 'auto';
  const mode = url.searchParams.get('mode') || 'full';
  const bearer = (req.headers.authorization || '').replace(/^Bearer\s+/i, '');
  const token = url.searchParams.get('token') || bearer;
  if (args.token && token !== args.token) { rejectWs(req, socket, head, 4401, ''); return; }
  if (!LANG.test(language)) { rejectWs(req, socket, head, 4400, `unsupported language: ${language}`); return; }
  if (mode !== 'full' && mode !== 'diff') { rejectWs(req, socket, head, 4400, `invalid mode: ${mode}`); return; }
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req, { language, mode }));
});

server.listen(args.port, args.host, () => {
  const { port } = server.address();
  console.log(`listening http://${args.host}:${port}`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { server.close(); process.exit(0); });
