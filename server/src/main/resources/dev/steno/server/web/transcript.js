// Pure transcript helpers (no DOM): time parsing/formatting, the mode=diff state
// machine and the TXT / SRT / VTT / JSON exporters. Imported by app.js and by the
// Node unit test (server/src/test/browser/transcript.test.mjs).

export const SILENCE = -2;

/** "H:MM:SS.cc" (also "MM:SS.cc", "SS.cc" or a number of seconds) -> seconds; NaN if unparseable. */
export function parseTime(value) {
  if (typeof value === 'number') return Number.isFinite(value) ? value : NaN;
  if (typeof value !== 'string' || value.trim() === '') return NaN;
  const parts = value.trim().split(':');
  if (parts.length > 3) return NaN;
  let seconds = 0;
  for (const part of parts) {
    if (!/^\d+(\.\d+)?$/.test(part)) return NaN;
    seconds = seconds * 60 + Number(part);
  }
  return seconds;
}

function pad(n, width = 2) {
  return String(n).padStart(width, '0');
}

function splitMs(seconds) {
  const totalMs = Math.max(0, Math.round((Number.isFinite(seconds) ? seconds : 0) * 1000));
  const ms = totalMs % 1000;
  const totalS = Math.floor(totalMs / 1000);
  return { h: Math.floor(totalS / 3600), m: Math.floor(totalS / 60) % 60, s: totalS % 60, ms };
}

/** Display clock "M:SS" below an hour, "H:MM:SS" above. */
export function formatClock(seconds) {
  const { h, m, s } = splitMs(Math.floor(Math.max(0, seconds || 0)));
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** Transcript time "H:MM:SS.c" style used in the line view, e.g. 0:01:02.5 -> "1:02.5". */
export function formatShort(seconds) {
  const { h, m, s, ms } = splitMs(seconds);
  const tenth = Math.floor(ms / 100);
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}.${tenth}` : `${m}:${pad(s)}.${tenth}`;
}

/** SRT timestamp HH:MM:SS,mmm */
export function formatSrtTime(seconds) {
  const { h, m, s, ms } = splitMs(seconds);
  return `${pad(h)}:${pad(m)}:${pad(s)},${pad(ms, 3)}`;
}

/** WebVTT timestamp HH:MM:SS.mmm */
export function formatVttTime(seconds) {
  const { h, m, s, ms } = splitMs(seconds);
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms, 3)}`;
}

/**
 * Normalises one server line into {speaker, text, start, end, translation?, detectedLanguage?}
 * with times in seconds, shifted by offset (used when a reconnect starts a new server session).
 */
export function normaliseLine(raw, offset = 0) {
  const speaker = Number.isInteger(raw?.speaker) ? raw.speaker : Number.parseInt(raw?.speaker, 10);
  const start = parseTime(raw?.start);
  const end = parseTime(raw?.end);
  const line = {
    speaker: Number.isFinite(speaker) ? speaker : 0,
    text: typeof raw?.text === 'string' ? raw.text : '',
    start: (Number.isFinite(start) ? start : 0) + offset,
    end: (Number.isFinite(end) ? end : (Number.isFinite(start) ? start : 0)) + offset,
  };
  if (typeof raw?.translation === 'string' && raw.translation.trim() !== '') line.translation = raw.translation;
  if (typeof raw?.detected_language === 'string' && raw.detected_language) line.detectedLanguage = raw.detected_language;
  return line;
}

export function isSilence(line) {
  return line.speaker === SILENCE;
}

/** Lines that carry speech (what the exporters write). */
export function speechLines(lines) {
  return lines.filter((l) => !isSilence(l) && l.text.trim() !== '');
}

export function speakerLabel(speaker) {
  return speaker > 0 ? `Speaker ${speaker}` : 'Speaker';
}

/**
 * State for one server session in mode=diff. `window` mirrors the server's current line list;
 * lines the server prunes from the front are handed back so the caller keeps them.
 * apply() returns {ok, pruned} or {ok:false, reason} when the stream is out of sync.
 */
export class DiffState {
  constructor() {
    this.window = [];
    this.seq = null;
  }

  apply(msg) {
    if (msg.type === 'snapshot') {
      this.window = Array.isArray(msg.lines) ? msg.lines.slice() : [];
      this.seq = Number.isInteger(msg.seq) ? msg.seq : null;
      return { ok: true, pruned: [] };
    }
    if (msg.type !== 'diff') return { ok: false, reason: `unexpected message type ${msg.type}` };
    if (this.seq === null) return { ok: false, reason: 'diff before snapshot' };
    if (Number.isInteger(msg.seq) && msg.seq !== this.seq + 1) {
      return { ok: false, reason: `sequence gap: expected ${this.seq + 1}, got ${msg.seq}` };
    }
    const prune = Number.isInteger(msg.lines_pruned) ? msg.lines_pruned : 0;
    if (prune < 0 || prune > this.window.length) {
      return { ok: false, reason: `cannot prune ${prune} of ${this.window.length} lines` };
    }
    const pruned = this.window.slice(0, prune);
    const next = this.window.slice(prune).concat(Array.isArray(msg.new_lines) ? msg.new_lines : []);
    if (Number.isInteger(msg.n_lines) && msg.n_lines !== next.length) {
      return { ok: false, reason: `line count mismatch: expected ${msg.n_lines}, have ${next.length}` };
    }
    this.window = next;
    if (Number.isInteger(msg.seq)) this.seq = msg.seq;
    return { ok: true, pruned };
  }
}

export function toTxt(lines) {
  return speechLines(lines)
    .map((l) => `[${formatShort(l.start)} - ${formatShort(l.end)}] ${speakerLabel(l.speaker)}: ${l.text.trim()}`
      + (l.translation ? `\n    (${l.translation.trim()})` : ''))
    .join('\n') + '\n';
}

function cueEnd(l) {
  // Zero-length cues are invalid in most players: give them at least 0.5 s.
  return l.end > l.start ? l.end : l.start + 0.5;
}

function speakerPrefix(lines, l) {
  const speakers = new Set(speechLines(lines).map((x) => x.speaker));
  return speakers.size > 1 && l.speaker > 0 ? `${speakerLabel(l.speaker)}: ` : '';
}

export function toSrt(lines) {
  return speechLines(lines)
    .map((l, i) => `${i + 1}\n${formatSrtTime(l.start)} --> ${formatSrtTime(cueEnd(l))}\n`
      + `${speakerPrefix(lines, l)}${l.text.trim()}\n`)
    .join('\n');
}

export function toVtt(lines) {
  const cues = speechLines(lines).map((l) => {
    const voice = l.speaker > 0 ? `<v ${speakerLabel(l.speaker)}>` : '';
    const text = l.text.trim().replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    return `${formatVttTime(l.start)} --> ${formatVttTime(cueEnd(l))}\n${voice}${text}\n`;
  });
  return `WEBVTT\n\n${cues.join('\n')}`;
}

export function toJson(lines, meta = {}) {
  return JSON.stringify({
    ...meta,
    lines: lines.map((l) => ({
      speaker: l.speaker,
      silence: isSilence(l) || undefined,
      start: Math.round(l.start * 1000) / 1000,
      end: Math.round(l.end * 1000) / 1000,
      text: isSilence(l) ? '' : l.text.trim(),
      translation: l.translation,
      detected_language: l.detectedLanguage,
    })),
  }, null, 2) + '\n';
}
