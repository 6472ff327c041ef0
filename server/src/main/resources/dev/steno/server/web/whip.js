// WebRTC capture for the Steno web UI: the microphone goes over RTCPeerConnection to the server's WHIP endpoint
// (POST /whip, RFC 9725; on when the server runs with --webrtc-ports), and the transcript comes back as /asr
// messages on the WebSocket /whip/<id>/results. WebRTC brings the browser's own Opus, FEC and jitter handling.

const GATHER_WAIT_MS = 3000;
const QUIET_MS = 2500; // after DELETE, the last words arrive within this of each other
const FINISH_MAX_MS = 30000;

/** The WHIP endpoint and results socket that belong to an /asr WebSocket URL (same server, same token). */
export function whipUrls(asrUrl) {
  const http = new URL(asrUrl.href);
  http.protocol = asrUrl.protocol === 'wss:' ? 'https:' : 'http:';
  http.pathname = http.pathname.replace(/\/asr$/, '') + '/whip';
  return { endpoint: http, ws: asrUrl };
}

/**
 * Publishes {@code stream} over WHIP. Calls onMessage(json) for each transcript message and onEnd(reason) when the
 * connection fails. Resolves to a handle whose finish() ends the session (DELETE) and resolves once the last
 * messages arrived.
 */
export async function publish({ stream, asrUrl, token, language, onMessage, onEnd }) {
  const { endpoint } = whipUrls(asrUrl);
  if (language && language !== 'auto') endpoint.searchParams.set('language', language);
  const pc = new RTCPeerConnection();
  for (const track of stream.getAudioTracks()) pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((done) => {
    if (pc.iceGatheringState === 'complete') { done(); return; }
    pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') done(); });
    setTimeout(done, GATHER_WAIT_MS);
  });
  const headers = { 'Content-Type': 'application/sdp' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(endpoint.href, { method: 'POST', headers, body: pc.localDescription.sdp });
  const body = await res.text();
  if (res.status !== 201) {
    pc.close();
    throw new Error(`WHIP ${res.status}: ${body.trim() || res.statusText}`);
  }
  const resource = new URL(res.headers.get('Location'), endpoint);
  const results = new URL(asrUrl.href);
  results.pathname = resource.pathname + '/results';
  results.search = '';
  if (token) results.searchParams.set('token', token);
  const ws = new WebSocket(results.href);
  let lastMessage = performance.now();
  let finishing = false;
  let complete = false; // the server said ready_to_stop: the session ended and its last words are in
  ws.onmessage = (event) => {
    if (typeof event.data !== 'string') return;
    lastMessage = performance.now();
    let msg;
    try { msg = JSON.parse(event.data); } catch (e) { console.warn('steno: bad WHIP result', e); return; }
    if (msg.type === 'ready_to_stop') {
      complete = true;
      if (finishing) return; // finish() below ends it on the page; otherwise the server ended it: tell the page
    }
    onMessage(msg);
  };
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error('the results socket did not open'));
  });
  pc.onconnectionstatechange = () => {
    if (!finishing && (pc.connectionState === 'failed' || pc.connectionState === 'closed')) {
      onEnd(`WebRTC connection ${pc.connectionState}`);
    }
  };
  await pc.setRemoteDescription({ type: 'answer', sdp: body });
  const authHeaders = token ? { Authorization: `Bearer ${token}` } : {};
  return {
    kind: 'webrtc',
    async finish() {
      finishing = true;
      await fetch(resource.href, { method: 'DELETE', headers: authHeaders }).catch(() => {});
      pc.close();
      const started = performance.now();
      lastMessage = started;
      await new Promise((resolve) => {
        const check = setInterval(() => {
          const now = performance.now();
          if (complete || now - lastMessage > QUIET_MS || now - started > FINISH_MAX_MS
              || ws.readyState > WebSocket.OPEN) {
            clearInterval(check);
            resolve();
          }
        }, 200);
      });
      ws.close(1000, 'done');
    },
    close() {
      finishing = true;
      fetch(resource.href, { method: 'DELETE', headers: authHeaders }).catch(() => {});
      pc.close();
      try { ws.close(1000, 'closed'); } catch { /* ignore */ }
    },
  };
}
