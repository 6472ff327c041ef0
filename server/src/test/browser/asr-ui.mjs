#!/usr/bin/env node
// Headless-browser test of the Steno web UI against a running server (real or fake-asr-server.mjs).
//
//   node asr-ui.mjs <baseUrl> <wavPath> <screenshotPath> [seconds]
//
// Debian Chromium (/usr/bin/chromium, or $STENO_CHROMIUM) plays <wavPath> as a fake microphone.
// The script opens <baseUrl>, clicks #record, records for [seconds] (default 6), checks that the page
// shows at least one .line or tentative text and that the lag chips show numbers, clicks stop, waits
// for the ready_to_stop handling (#status data-state="done"), saves a full-page screenshot and prints
// one line of JSON: {"ok":true,"lines":N,...} (exit 0) or {"ok":false,"error":"..."} (exit 1).
//
// Optional environment:
//   STENO_CHROMIUM          browser binary (default /usr/bin/chromium)
//   STENO_UI_COLOR_SCHEME   light | dark: emulated prefers-color-scheme (default light)
//   STENO_UI_RESULT_WAIT_S  extra seconds allowed for the first result after [seconds] (default 30)
//   STENO_UI_STOP_WAIT_S    seconds allowed for ready_to_stop after stop (default 90)
//   STENO_UI_HEADED=1       show the browser (debugging)
//   STENO_UI_LIVE_SHOT      also save a screenshot while recording (before stop) to this path
//   STENO_UI_CAPTURE        pick the capture mode first: auto | pcm | webm | webrtc (WHIP; the transcript then
//                           comes over /whip/<id>/results, and there is no ready_to_stop or WebSocket audio count)

import { mkdtempSync, rmSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const [baseUrl, wavArg, shotArg, secondsArg] = process.argv.slice(2);
if (!baseUrl || !wavArg || !shotArg) {
  console.error('usage: node asr-ui.mjs <baseUrl> <wavPath> <screenshotPath> [seconds]');
  process.exit(2);
}
const wavPath = resolve(wavArg);
const shotPath = resolve(shotArg);
const seconds = secondsArg ? Number(secondsArg) : 6;
const resultWaitMs = Number(process.env.STENO_UI_RESULT_WAIT_S || 30) * 1000;
const stopWaitMs = Number(process.env.STENO_UI_STOP_WAIT_S || 90) * 1000;
const executablePath = process.env.STENO_CHROMIUM || '/usr/bin/chromium';
const colorScheme = process.env.STENO_UI_COLOR_SCHEME === 'dark' ? 'dark' : 'light';
const captureMode = process.env.STENO_UI_CAPTURE || '';
const webrtc = captureMode === 'webrtc';

function out(obj, code) {
  process.stdout.write(JSON.stringify(obj) + '\n');
  process.exitCode = code;
}

if (!Number.isFinite(seconds) || seconds <= 0) { out({ ok: false, error: `bad seconds: ${secondsArg}` }, 1); process.exit(1); }
if (!existsSync(wavPath)) { out({ ok: false, error: `no such WAV: ${wavPath}` }, 1); process.exit(1); }
if (!existsSync(executablePath)) { out({ ok: false, error: `no Chromium at ${executablePath} (set STENO_CHROMIUM)` }, 1); process.exit(1); }

const profile = mkdtempSync(join(tmpdir(), 'steno-ui-'));
let context;
const pageErrors = [];
const consoleErrors = [];

const watchdog = setTimeout(() => {
  out({ ok: false, error: 'watchdog: test took too long' }, 1);
  cleanup().finally(() => process.exit(1));
}, (seconds * 1000) + resultWaitMs + stopWaitMs + 60000);

async function cleanup() {
  clearTimeout(watchdog);
  try { await context?.close(); } catch { /* ignore */ }
  try { rmSync(profile, { recursive: true, force: true }); } catch { /* ignore */ }
}

/** What the page shows right now. */
function snapshot(page) {
  return page.evaluate(() => {
    const chip = (id) => {
      const el = document.getElementById(id);
      return { text: el.querySelector('.chip-value')?.textContent || '', seconds: el.dataset.seconds ? Number(el.dataset.seconds) : null };
    };
    const lines = [...document.querySelectorAll('#lines .line')];
    return {
      state: document.getElementById('status').dataset.state,
      status: document.getElementById('status').textContent.trim(),
      lines: lines.length,
      silenceLines: lines.filter((l) => l.classList.contains('silence')).length,
      speakers: [...new Set(lines.filter((l) => !l.classList.contains('silence')).map((l) => l.dataset.speaker))],
      text: lines.filter((l) => !l.classList.contains('silence')).map((l) => l.querySelector('.text')?.textContent.trim()).join(' '),
      tentative: document.getElementById('tentative').textContent.trim(),
      timer: document.getElementById('timer').textContent,
      lag: { transcription: chip('lag-transcription'), policy: chip('lag-policy'), diarization: chip('lag-diarization') },
      capture: window.steno?.captureKind ?? null,
      bytesSent: window.steno?.bytesSent ?? 0,
      readyToStop: window.steno?.readyToStop ?? false,
      level: Number(document.getElementById('waveform').dataset.level || 0),
    };
  });
}

async function main() {
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: process.env.STENO_UI_HEADED !== '1',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${wavPath}`,
      '--autoplay-policy=no-user-gesture-required', '--allow-loopback-in-peer-connection',
    ].filter((a) => a !== '--headless' || process.env.STENO_UI_HEADED !== '1'),
    ignoreDefaultArgs: ['--mute-audio'],
    viewport: { width: 1280, height: 900 },
    colorScheme,
  });
  // The browser's speech synthesis, recorded instead of spoken (headless Chromium has no voices to hear)
  await context.addInitScript(() => {
    window.__spoken = [];
    const fake = {
      speak: (u) => window.__spoken.push({ text: u.text, lang: u.lang, rate: u.rate }),
      cancel: () => { window.__cancelled = (window.__cancelled || 0) + 1; },
      getVoices: () => [], pause() {}, resume() {}, addEventListener() {}, removeEventListener() {},
      speaking: false, pending: false, paused: false,
    };
    Object.defineProperty(window, 'speechSynthesis', { value: fake, configurable: true });
  });
  const page = context.pages()[0] || await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e?.message || e)));
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });

  await page.goto(baseUrl, { waitUntil: 'load', timeout: 30000 });
  await page.waitForSelector('#record', { state: 'visible', timeout: 10000 });
  await page.waitForFunction(() => typeof window.steno === 'object', null, { timeout: 10000 });

  // Read-aloud on by its keyboard shortcut, at 1.5x.
  await page.evaluate(() => {
    const r = document.getElementById('read-rate');
    r.value = '1.5';
    r.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.keyboard.press('Alt+KeyR');
  const pressed = await page.getAttribute('#read-aloud', 'aria-pressed');
  if (pressed !== 'true') throw new Error(`Alt+R did not turn read-aloud on (aria-pressed=${pressed})`);

  if (captureMode) {
    await page.evaluate((mode) => {
      const c = document.getElementById('capture');
      c.value = mode;
      c.dispatchEvent(new Event('change', { bubbles: true }));
    }, captureMode);
  }

  // Start.
  await page.click('#record');
  await page.waitForFunction(
    () => ['recording', 'error'].includes(document.getElementById('status').dataset.state),
    null, { timeout: 20000 },
  ).catch(() => {});
  let s = await snapshot(page);
  if (s.state !== 'recording') throw new Error(`recording did not start: [${s.state}] ${s.status}`);

  await page.waitForTimeout(seconds * 1000);

  // Results and lag figures (a real model may need longer for the first words).
  const shown = () => {
    const st = document.getElementById('status').dataset.state;
    if (st === 'error') return true;
    const hasText = document.querySelectorAll('#lines .line').length > 0
      || document.getElementById('tentative').textContent.trim() !== '';
    const chipsOk = ['lag-transcription', 'lag-policy', 'lag-diarization']
      .every((id) => /\d/.test(document.getElementById(id).dataset.seconds || ''));
    return hasText && chipsOk;
  };
  await page.waitForFunction(shown, null, { timeout: resultWaitMs, polling: 200 }).catch(() => {});
  const during = await snapshot(page);
  if (during.state === 'error') throw new Error(`page shows an error: ${during.status}`);
  if (during.lines === 0 && during.tentative === '') throw new Error('no transcript: neither a .line nor tentative text appeared');
  for (const [name, chip] of Object.entries(during.lag)) {
    if (chip.seconds === null || !/\d/.test(chip.text)) throw new Error(`lag chip ${name} shows no number (${JSON.stringify(chip.text)})`);
  }
  if (during.bytesSent === 0 && !webrtc) throw new Error('no audio was sent');
  if (webrtc && during.capture !== 'webrtc') throw new Error(`capture is ${during.capture}, not webrtc`);
  if (process.env.STENO_UI_LIVE_SHOT) {
    const live = resolve(process.env.STENO_UI_LIVE_SHOT);
    mkdirSync(dirname(live), { recursive: true });
    await page.screenshot({ path: live, fullPage: true });
  }

  // Stop and wait for ready_to_stop.
  await page.click('#record');
  await page.waitForFunction(
    () => ['done', 'error', 'idle'].includes(document.getElementById('status').dataset.state),
    null, { timeout: stopWaitMs, polling: 200 },
  ).catch(() => {});
  s = await snapshot(page);
  if (s.state !== 'done') throw new Error(`did not finish: [${s.state}] ${s.status}`);
  if (!s.readyToStop && !webrtc) throw new Error(`finished without ready_to_stop: ${s.status}`);

  // Every settled line was read once, in order, at the chosen speed and in a language.
  const reading = await page.evaluate(() => ({
    spoken: window.__spoken,
    lines: window.steno.lines().filter((l) => l.speaker !== window.steno.SILENCE && l.text.trim() !== '')
      .map((l) => l.text.trim()),
  }));
  const expected = reading.lines.join('|');
  const read = reading.spoken.map((u) => u.text).join('|');
  if (read !== expected) throw new Error(`read aloud ${JSON.stringify(read)}, expected the lines ${JSON.stringify(expected)}`);
  const badUtterance = reading.spoken.find((u) => u.rate !== 1.5 || !u.lang);
  if (badUtterance) throw new Error(`utterance without the chosen speed or a language: ${JSON.stringify(badUtterance)}`);
  await page.keyboard.press('Alt+KeyR');
  if (await page.getAttribute('#read-aloud', 'aria-pressed') !== 'false') throw new Error('Alt+R did not turn read-aloud off');

  const srt = await page.evaluate(() => window.steno.export('srt'));
  const speech = s.lines - s.silenceLines;
  if (speech > 0 && !/^1\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\n/.test(srt)) {
    throw new Error(`SRT export malformed: ${JSON.stringify(srt.slice(0, 120))}`);
  }
  if (pageErrors.length) throw new Error(`uncaught page error: ${pageErrors[0]}`);

  mkdirSync(dirname(shotPath), { recursive: true });
  await page.screenshot({ path: shotPath, fullPage: true });

  out({
    ok: true,
    lines: s.lines,
    speechLines: speech,
    silenceLines: s.silenceLines,
    speakers: s.speakers,
    tentativeSeen: during.tentative !== '',
    linesWhileRecording: during.lines,
    lag: Object.fromEntries(Object.entries(during.lag).map(([k, v]) => [k, v.seconds])),
    capture: s.capture,
    bytesSent: s.bytesSent,
    micLevel: during.level,
    timer: s.timer,
    status: s.status,
    text: s.text.slice(0, 300),
    readAloud: reading.spoken.length,
    consoleErrors: consoleErrors.length,
    screenshot: shotPath,
  }, 0);
}

try {
  await main();
} catch (e) {
  const page = context?.pages()[0];
  let state = null;
  if (page) {
    try { state = await snapshot(page); } catch { /* ignore */ }
    try { mkdirSync(dirname(shotPath), { recursive: true }); await page.screenshot({ path: shotPath, fullPage: true }); } catch { /* ignore */ }
  }
  out({ ok: false, error: String(e?.message || e), page: state, pageErrors, consoleErrors: consoleErrors.slice(0, 5), screenshot: shotPath }, 1);
} finally {
  await cleanup();
}
