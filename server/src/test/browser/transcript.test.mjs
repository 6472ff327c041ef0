// Unit tests for the UI's pure transcript helpers: node --test transcript.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

// The module is a browser resource (.js without "type":"module" nearby): load it as ESM via a data: URL.
const source = readFileSync(new URL('../../main/resources/dev/steno/server/web/transcript.js', import.meta.url), 'utf8');
const {
  DiffState, formatSrtTime, formatVttTime, normaliseLine, parseTime, toJson, toSrt, toTxt, toVtt,
} = await import(`data:text/javascript;base64,${Buffer.from(source).toString('base64')}`);

test('parseTime reads H:MM:SS.cc and friends', () => {
  assert.equal(parseTime('0:00:01.90'), 1.9);
  assert.equal(parseTime('1:02:03.25'), 3723.25);
  assert.equal(parseTime('02:03.5'), 123.5);
  assert.equal(parseTime(4.2), 4.2);
  assert.ok(Number.isNaN(parseTime('')));
  assert.ok(Number.isNaN(parseTime('a:b')));
  assert.ok(Number.isNaN(parseTime(null)));
});

test('SRT and VTT timestamps', () => {
  assert.equal(formatSrtTime(3723.256), '01:02:03,256');
  assert.equal(formatSrtTime(0), '00:00:00,000');
  assert.equal(formatVttTime(59.9996), '00:01:00.000');
});

test('normaliseLine handles silence, missing times and offsets', () => {
  assert.deepEqual(normaliseLine({ speaker: -2, text: null, start: '0:00:01.90', end: '0:00:08.10' }, 10),
    { speaker: -2, text: '', start: 11.9, end: 18.1 });
  const l = normaliseLine({ speaker: 2, text: ' Hi', start: '0:00:08.10', end: '0:00:09.00', translation: 'Salut ', detected_language: 'en' });
  assert.equal(l.translation, 'Salut ');
  assert.equal(l.detectedLanguage, 'en');
});

const lines = [
  normaliseLine({ speaker: 1, text: ' Hello world.', start: '0:00:00.52', end: '0:00:01.90' }),
  normaliseLine({ speaker: -2, text: null, start: '0:00:01.90', end: '0:00:08.10' }),
  normaliseLine({ speaker: 2, text: ' Hi <there> & you', start: '0:00:08.10', end: '0:00:08.10' }),
];

test('exporters skip silence and write valid cues', () => {
  assert.equal(toSrt(lines),
    '1\n00:00:00,520 --> 00:00:01,900\nSpeaker 1: Hello world.\n\n'
    + '2\n00:00:08,100 --> 00:00:08,600\nSpeaker 2: Hi <there> & you\n');
  assert.equal(toVtt(lines),
    'WEBVTT\n\n00:00:00.520 --> 00:00:01.900\n<v Speaker 1>Hello world.\n\n'
    + '00:00:08.100 --> 00:00:08.600\n<v Speaker 2>Hi &lt;there&gt; &amp; you\n');
  assert.equal(toTxt(lines), '[0:00.5 - 0:01.9] Speaker 1: Hello world.\n[0:08.1 - 0:08.1] Speaker 2: Hi <there> & you\n');
  const json = JSON.parse(toJson(lines, { generator: 'Steno' }));
  assert.equal(json.lines.length, 3);
  assert.equal(json.lines[1].silence, true);
});

test('DiffState applies snapshot, prunes from the front, appends, checks n_lines and seq', () => {
  const d = new DiffState();
  assert.deepEqual(d.apply({ type: 'snapshot', seq: 1, lines: ['a', 'b'] }), { ok: true, pruned: [] });
  assert.deepEqual(d.apply({ type: 'diff', seq: 2, n_lines: 3, new_lines: ['c'] }), { ok: true, pruned: [] });
  assert.deepEqual(d.apply({ type: 'diff', seq: 3, n_lines: 2, lines_pruned: 2, new_lines: ['d'] }), { ok: true, pruned: ['a', 'b'] });
  assert.deepEqual(d.window, ['c', 'd']);
  assert.equal(d.apply({ type: 'diff', seq: 4, n_lines: 5 }).ok, false); // count mismatch
  assert.equal(d.apply({ type: 'diff', seq: 9, n_lines: 2 }).ok, false); // sequence gap
  assert.equal(d.apply({ type: 'diff', seq: 4, lines_pruned: 7, n_lines: 0 }).ok, false);
  assert.equal(new DiffState().apply({ type: 'diff', seq: 2, n_lines: 0 }).ok, false); // no snapshot yet
});
