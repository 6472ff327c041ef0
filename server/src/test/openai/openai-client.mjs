// Drives a Steno server with OpenAI's own Node SDK and prints what it got as one JSON line (OpenAiSdkTest).
// usage: node openai-client.mjs BASE_URL API_KEY WAV
import fs from 'node:fs';
import OpenAI from 'openai';

const [baseURL, apiKey, wav] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
const file = () => fs.createReadStream(wav);

/** What an SDK exception says: its class, status and OpenAI's error fields. */
async function failure(call) {
  try {
    await call();
    return null;
  } catch (e) {
    return { name: e.constructor.name, status: e.status, message: e.message, type: e.type, param: e.param,
      code: e.code };
  }
}

const out = {};
out.models = (await client.models.list()).data;
out.model = await client.models.retrieve('whisper-1');
out.verbose = await client.audio.transcriptions.create({
  file: file(), model: 'whisper-1', response_format: 'verbose_json', timestamp_granularities: ['word', 'segment'],
});
out.events = [];
const stream = await client.audio.transcriptions.create({ file: file(), model: 'whisper-1', stream: true });
for await (const event of stream) {
  out.events.push(event);
}
out.translation = await client.audio.translations.create({ file: file(), model: 'whisper-1' });
out.badToken = await failure(() => new OpenAI({ baseURL, apiKey: 'wrong', maxRetries: 0 }).models.list());
out.unknownModel = await failure(() => client.models.retrieve('gpt-5'));
out.badFormat = await failure(() => client.audio.transcriptions.create({
  file: file(), model: 'whisper-1', response_format: 'docx',
}));
console.log(JSON.stringify(out));
