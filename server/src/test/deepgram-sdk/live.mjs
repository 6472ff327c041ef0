// Streams a 16 kHz mono 16-bit WAV to a Deepgram-compatible server through the official SDK's live client, at real
// time, and prints one JSON line per event, then a summary line. Usage: node live.mjs WS_BASE_URL KEY WAV
// (e.g. ws://127.0.0.1:8000). Written against @deepgram/sdk 5.13.0 (package-lock.json).
import { DeepgramClient } from "@deepgram/sdk";
import { readFileSync } from "node:fs";

const [baseUrl, apiKey, wavPath] = process.argv.slice(2);
const wav = readFileSync(wavPath);
let at = 12;
while (wav.toString("latin1", at, at + 4) !== "data") {
  at += 8 + wav.readUInt32LE(at + 4);
}
const pcm = wav.subarray(at + 8);
const CHUNK = 3200; // 100 ms at 16 kHz

const client = new DeepgramClient({ apiKey, baseUrl });
const connection = await client.listen.v1.connect({
  model: "nova-3",
  language: "en",
  encoding: "linear16",
  sample_rate: 16000,
  channels: 1,
  interim_results: "true",
  punctuate: "true",
});

const summary = { metadata: 0, interim: 0, final: 0, finalText: "", firstInterimMs: null, firstFinalMs: null,
  firstInterimAtMs: null, firstFinalAtMs: null };
let started = 0;
// how long after the audio of its last word was sent a result arrived (audio goes out at real time)
const latency = (msg) => {
  const words = msg.channel?.alternatives?.[0]?.words ?? [];
  return words.length ? Math.round(Date.now() - started - words[words.length - 1].end * 1000) : null;
};
const closed = new Promise((resolve) => {
  connection.on("close", (event) => resolve(event?.code ?? null));
});
connection.on("error", (error) => console.log(JSON.stringify({ event: "error", message: String(error?.message ?? error) })));
connection.on("message", (msg) => {
  const line = { event: "message", type: msg.type };
  if (msg.type === "Metadata") {
    summary.metadata++;
    line.request_id = msg.request_id;
  } else if (msg.type === "Results") {
    const alt = msg.channel.alternatives[0];
    Object.assign(line, { is_final: msg.is_final, speech_final: msg.speech_final, transcript: alt.transcript,
      words: alt.words.length, request_id: msg.metadata.request_id, model: msg.metadata.model_info.name });
    if (msg.is_final) {
      summary.final++;
      if (alt.transcript) {
        summary.finalText += (summary.finalText ? " " : "") + alt.transcript;
        summary.firstFinalMs ??= latency(msg);
        summary.firstFinalAtMs ??= Date.now() - started;
      }
    } else {
      summary.interim++;
      if (alt.transcript) {
        summary.firstInterimMs ??= latency(msg);
        summary.firstInterimAtMs ??= Date.now() - started;
      }
    }
  }
  console.log(JSON.stringify(line));
});

connection.connect();
await connection.waitForOpen();
console.log(JSON.stringify({ event: "open" }));
started = Date.now();
for (let off = 0, n = 0; off < pcm.length; off += CHUNK, n++) {
  connection.sendMedia(pcm.subarray(off, Math.min(off + CHUNK, pcm.length)));
  const due = started + (n + 1) * 100;
  await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
}
connection.sendCloseStream({ type: "CloseStream" });
const code = await Promise.race([closed, new Promise((r) => setTimeout(() => r("timeout"), 30000))]);
console.log(JSON.stringify({ event: "summary", closeCode: code, ...summary }));
process.exit(0);
