package dev.steno.server.deepgram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.engine.audio.AudioFormatException;
import dev.steno.engine.audio.ContainerDecoder;
import dev.steno.engine.audio.Linear16Decoder;
import dev.steno.engine.audio.StreamingAudioDecoder;
import dev.steno.engine.session.SessionListener;
import dev.steno.engine.stream.LiveStream;
import dev.steno.engine.stream.StreamListener;
import dev.steno.engine.transcript.TranscriptLine;
import dev.steno.engine.transcript.TranscriptUpdate;
import dev.steno.engine.transcript.Word;
import dev.steno.server.Drain;
import dev.steno.server.TranscriptionService;
import dev.steno.server.deepgram.DeepgramMessages.ResultWord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * One Deepgram live client on {@code /v1/listen}: audio in, {@code Results} and events out.
 *
 * <p>Final results come from the words the stream commits, each exactly once; interim results (when asked) from its
 * tentative words. Timing events are judged on the audio clock, on the audio the recogniser has surely been through
 * (everything received before the previous update): {@code speech_final} marks the first final result followed by
 * {@code endpointing} ms without a tentative word, {@code UtteranceEnd} a gap of {@code utterance_end_ms} after the
 * last word, {@code SpeechStarted} the first word after either. Both are therefore as coarse as the scheduler's steps
 * (half a second by default).
 *
 * <p>Ending: {@code CloseStream} (or an empty frame, as older clients send) transcribes what is pending, sends the
 * last {@code Results}, a summary {@code Metadata}, and closes with 1000. A draining node does the same but closes
 * with 1001, which the SDKs answer by reconnecting (to another node). No audio and no {@code KeepAlive} for the
 * idle timeout closes with 1011 {@code NET-0001}; audio that cannot be decoded with 1008 {@code DATA-0000}.
 *
 * <p>Public only because Jetty calls its listener methods reflectively; {@link DeepgramListen} creates it.
 */
public final class ListenConnection implements Session.Listener.AutoDemanding {
    private static final System.Logger LOG = System.getLogger(ListenConnection.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double SR = 16_000;
    private static final long IDLE_CHECK_MILLIS = 50;
    /** Close reason once a draining node has sent everything. */
    private static final String DRAINED = "node draining, reconnect";

    private final TranscriptionService service;
    private final ListenParameters params;
    private final DeepgramMessages messages;
    private final ScheduledExecutorService ticker;
    private final Drain drain;
    private final long idleTimeoutNanos;
    private final Instant created = Instant.now();
    private final long connectedNanos = System.nanoTime();
    /** Serialises the audio path (a Jetty thread) with a drain ending the stream (the drain's thread). */
    private final Object audioLock = new Object();
    /** Guards the result state below and keeps messages in the order of the state changes they report. */
    private final Object resultLock = new Object();

    private volatile Session session;
    private volatile Outbox outbox;
    private volatile LiveStream live;
    private volatile Drain.Registration registration;
    private volatile long lastActivityNanos = System.nanoTime();
    private volatile long receivedSamples;
    private volatile boolean closed;
    private StreamingAudioDecoder decoder;
    private ScheduledFuture<?> idleCheck;
    private boolean streamEnded;
    private int endCode = StatusCode.NORMAL;
    private boolean diarized;

    // guarded by resultLock
    private long processedSamples;
    private double lastFinalEnd;
    private double lastWordEnd;
    private String lastInterim = "";
    private boolean endpointPending;
    private boolean wordsSinceUtteranceEnd;
    private boolean inSpeech;

    ListenConnection(TranscriptionService service, ListenParameters params, DeepgramMessages messages,
                     ScheduledExecutorService ticker, Drain drain, Duration idleTimeout) {
        this.service = service;
        this.params = params;
        this.messages = messages;
        this.ticker = ticker;
        this.drain = drain;
        this.idleTimeoutNanos = idleTimeout.toNanos();
    }

    @Override
    public void onWebSocketOpen(Session s) {
        session = s;
        outbox = new Outbox(s);
        Optional<Drain.Registration> admitted = drain.admit(Drain.Member.of(
                () -> "/v1/listen session from " + s.getRemoteSocketAddress(), () -> endStream(StatusCode.SHUTDOWN),
                this::goAway));
        if (admitted.isEmpty()) {
            fail(StatusCode.TRY_AGAIN_LATER, "DRAINING", "the node is draining: reconnect");
            return;
        }
        registration = admitted.get();
        diarized = params.diarize() && service.diarizing();
        synchronized (audioLock) {
            Optional<LiveStream> opened = service.streams().stream()
                    .language(params.language())
                    .hotwords(params.hotwords())
                    .corrections(service.streams().corrections().standard().then(params.hotwords().spellings()))
                    .speaker(service.speakerStage(diarized))
                    .clock(() -> (System.nanoTime() - connectedNanos) / 1e9)
                    .listener(new StreamListener() {
                        @Override
                        public void onUpdate(TranscriptUpdate update) {
                            onResult(update, false);
                        }

                        @Override
                        public void onUtteranceFinished(TranscriptUpdate update) {
                            onResult(update, true);
                        }
                    })
                    .listener(service.live().listenerFor(created))
                    .events(SessionListener.logging(LOG, s.getRemoteSocketAddress()))
                    .open();
            if (opened.isEmpty()) {
                fail(StatusCode.TRY_AGAIN_LATER, "TOO_MANY_REQUESTS",
                        "the server is at its maximum number of sessions; try again later");
                return;
            }
            live = opened.get();
            decoder = params.containerised() ? new ContainerDecoder(this::audio)
                    : new Linear16Decoder(this::audio, params.sampleRate(), params.channels());
            live.finished().whenComplete((v, error) -> finished(error));
        }
        outbox.send(messages.metadata(created, 0));
        idleCheck = ticker.scheduleAtFixedRate(this::checkIdle, IDLE_CHECK_MILLIS, IDLE_CHECK_MILLIS,
                TimeUnit.MILLISECONDS);
        if (drain.draining()) {
            endStream(StatusCode.SHUTDOWN);
        }
    }

    /** The decoder's 16 kHz output; called inside {@code push} under the audio lock. */
    private void audio(float[] samples, int off, int len) {
        receivedSamples += len;
        live.addAudio(samples, off, len);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        try {
            lastActivityNanos = System.nanoTime();
            if (!payload.hasRemaining()) {
                endStream(StatusCode.NORMAL); // older clients end the stream with an empty frame
                return;
            }
            synchronized (audioLock) {
                if (live == null || closed || streamEnded) {
                    return;
                }
                byte[] bytes = new byte[payload.remaining()];
                payload.get(bytes);
                decoder.push(bytes, 0, bytes.length);
            }
        } catch (AudioFormatException e) {
            fail(StatusCode.POLICY_VIOLATION, "DATA-0000", "the audio could not be decoded: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "audio frame failed", e);
            fail(StatusCode.SERVER_ERROR, "NET-0000", "could not process audio: " + e.getMessage());
        } finally {
            callback.succeed();
        }
    }

    @Override
    public void onWebSocketText(String message) {
        String type;
        try {
            JsonNode node = JSON.readTree(message);
            type = node == null ? "" : node.path("type").asText("");
        } catch (IOException e) {
            type = "";
        }
        switch (type) {
            case "KeepAlive" -> lastActivityNanos = System.nanoTime();
            case "Finalize" -> {
                lastActivityNanos = System.nanoTime();
                LiveStream l = live;
                if (l != null) {
                    l.finishUtterance();
                }
            }
            case "CloseStream" -> endStream(StatusCode.NORMAL);
            default -> outbox.send(messages.error("UNKNOWN_MESSAGE", "unknown control message: expected"
                    + " {\"type\":\"KeepAlive\"}, {\"type\":\"Finalize\"} or {\"type\":\"CloseStream\"}"));
        }
    }

    /** Ends the audio: what is pending is transcribed; {@link #finished} then closes with {@code code}. */
    private void endStream(int code) {
        synchronized (audioLock) {
            if (streamEnded || live == null || closed) {
                return;
            }
            streamEnded = true;
            endCode = code;
            try {
                decoder.end();
            } catch (AudioFormatException e) {
                LOG.log(System.Logger.Level.DEBUG, "the last bytes of a Deepgram client were not audio: "
                        + e.getMessage());
            } finally {
                live.endOfStream();
            }
        }
    }

    /** The stream is done: after an end, the summary and the close; otherwise it failed. */
    private void finished(Throwable error) {
        if (closed) {
            return;
        }
        if (error != null) {
            fail(StatusCode.SERVER_ERROR, "NET-0000", "transcription failed: " + error.getMessage());
            return;
        }
        outbox.send(messages.metadata(created, receivedSamples / SR));
        outbox.closeAfter(endCode, endCode == StatusCode.SHUTDOWN ? DRAINED : "");
    }

    private void goAway() {
        Outbox o = outbox;
        if (o != null) {
            o.closeAfter(StatusCode.SHUTDOWN, DRAINED);
        }
    }

    private void checkIdle() {
        if (!closed && !streamEnded && System.nanoTime() - lastActivityNanos > idleTimeoutNanos) {
            fail(StatusCode.SERVER_ERROR, "NET-0001", "no audio or KeepAlive for "
                    + Duration.ofNanos(idleTimeoutNanos).toMillis() + " ms");
        }
    }

    /** One update of the stream, on its worker: final and interim results, then the timing events. */
    private void onResult(TranscriptUpdate update, boolean fromFinalize) {
        synchronized (resultLock) {
            // everything received before the previous update has surely been through this step
            long processed = processedSamples;
            processedSamples = receivedSamples;
            double heard = processed / SR;
            List<Word> finals = update.newlyCommitted();
            List<Word> tentative = update.tentative();
            if (!finals.isEmpty()) {
                speechStarted(finals.getFirst().start());
            } else if (!tentative.isEmpty()) {
                speechStarted(tentative.getFirst().start());
            }
            if (!finals.isEmpty() || fromFinalize || update.final_()) {
                double start = finals.isEmpty() ? lastFinalEnd : finals.getFirst().start();
                if (!finals.isEmpty()) {
                    lastFinalEnd = finals.getLast().end();
                    lastWordEnd = Math.max(lastWordEnd, lastFinalEnd);
                    wordsSinceUtteranceEnd = true;
                    endpointPending = true;
                }
                // the end of the stream is always an endpoint
                boolean speechFinal = update.final_() || endpointPending && (fromFinalize || tentative.isEmpty()
                        && params.endpointingMs() >= 0 && heard - lastFinalEnd >= params.endpointingMs() / 1000.0);
                if (!finals.isEmpty() || fromFinalize || update.final_() || speechFinal) {
                    outbox.send(messages.results(words(finals, update.lines()), start, lastFinalEnd - start, true,
                            speechFinal, fromFinalize));
                }
                if (speechFinal) {
                    endOfSpeech();
                }
            } else if (endpointPending && tentative.isEmpty() && params.endpointingMs() >= 0
                    && heard - lastFinalEnd >= params.endpointingMs() / 1000.0) {
                // the pause came after the words were sent: an empty final result carries the endpoint
                outbox.send(messages.results(List.of(), lastFinalEnd, Math.max(0, heard - lastFinalEnd), true, true,
                        false));
                endOfSpeech();
            }
            String interim = tentative.stream().map(Word::text).reduce("", String::concat);
            if (params.interimResults() && !tentative.isEmpty() && !interim.equals(lastInterim)) {
                double start = tentative.getFirst().start();
                outbox.send(messages.results(words(tentative, update.lines()), start,
                        tentative.getLast().end() - start, false, false, false));
                lastWordEnd = Math.max(lastWordEnd, tentative.getLast().end());
                wordsSinceUtteranceEnd = true;
            }
            lastInterim = interim;
            if (params.utteranceEndMs() >= 0 && wordsSinceUtteranceEnd && tentative.isEmpty()
                    && heard - lastWordEnd >= params.utteranceEndMs() / 1000.0) {
                outbox.send(messages.utteranceEnd(lastWordEnd));
                wordsSinceUtteranceEnd = false;
                inSpeech = false;
            }
        }
    }

    private void speechStarted(double at) {
        if (!inSpeech) {
            inSpeech = true;
            if (params.vadEvents()) {
                outbox.send(messages.speechStarted(at));
            }
        }
    }

    private void endOfSpeech() {
        endpointPending = false;
        inSpeech = false;
    }

    /** The words with their confidences and, when diarized, the speaker of the line they fall in (from 0). */
    private List<ResultWord> words(List<Word> words, List<TranscriptLine> lines) {
        List<ResultWord> out = new ArrayList<>(words.size());
        for (Word w : words) {
            double p = w.probability();
            out.add(new ResultWord(w.bare(), w.start(), w.end(), Double.isNaN(p) ? 1.0 : p,
                    diarized ? speakerAt(lines, (w.start() + w.end()) / 2) : -1));
        }
        return out;
    }

    private static int speakerAt(List<TranscriptLine> lines, double t) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            TranscriptLine l = lines.get(i);
            if (!l.isSilence() && l.start() <= t && t <= l.end()) {
                return l.speaker() > 0 ? l.speaker() - 1 : -1;
            }
        }
        return -1;
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        closed = true;
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        LiveStream l = live;
        if (l != null && !l.isDone()) {
            l.cancel();
        }
        Drain.Registration r = registration;
        if (r != null) {
            r.close();
        }
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.log(System.Logger.Level.DEBUG, "websocket error: " + cause);
    }

    /** Sends an {@code Error}, then closes with {@code code} and the error code as the reason. */
    private void fail(int code, String errCode, String description) {
        if (closed) {
            return;
        }
        closed = true;
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        LiveStream l = live;
        if (l != null) {
            l.cancel();
        }
        outbox.send(messages.error(errCode, description));
        outbox.closeAfter(code, errCode);
    }
}
