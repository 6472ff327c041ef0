package dev.steno.obs.relay;

import dev.steno.engine.audio.AudioSink;
import dev.steno.obs.source.AudioSource;
import dev.steno.obs.source.PcmS16leSource;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * An RTMP relay that puts Steno's CEA-608 captions into the stream itself. FFmpeg is the transport on both sides:
 * one process listens for OBS and writes the stream as FLV ({@code -c copy}) to Steno, plus the stream's audio as
 * 16 kHz PCM on a second output; a second process pushes the FLV that Steno writes back to the destination
 * ({@code -c copy}). In between, {@link CaptionedTags} adds a caption SEI to every picture, in display order.
 *
 * <p>As an {@link AudioSource} the relay yields the stream's audio, so the caption bridge transcribes it like a
 * microphone; the transcript reaches the pictures through {@link RelayCaptions}. When OBS disconnects, both legs end
 * (the destination sees the end of the stream), the words heard so far are committed, and the relay listens again;
 * the same transcription carries on. When the destination drops, the push leg is restarted (with growing pauses),
 * the stream's metadata and decoder configuration are sent again, and the pictures resume at the next key frame.
 *
 * <p>Threads: the caller's (reading FFmpeg's FLV), one writing to the destination, one reading the PCM audio.
 */
public final class CaptionRelay implements AudioSource {
    private static final System.Logger LOG = System.getLogger(CaptionRelay.class.getName());
    private static final int LISTEN_FAILURES_TO_GIVE_UP = 5;
    private static final long QUICK_FAILURE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final RelaySettings settings;
    private final RelayCaptions captions;
    private final LongSupplier nanoClock;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicLong sessions = new AtomicLong();
    private final AtomicLong pictures = new AtomicLong();
    private final AtomicLong egressStarts = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile FfmpegLeg ingest;
    private volatile String lastIngestReport = "";

    /**
     * @param captions  the caption sink of the transcription that pictures take their pairs from
     * @param nanoClock monotonic nanoseconds ({@link System#nanoTime}); paces the caption delay
     */
    public CaptionRelay(RelaySettings settings, RelayCaptions captions, LongSupplier nanoClock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.captions = Objects.requireNonNull(captions, "captions");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    @Override
    public String describe() {
        return "RTMP relay " + settings.listen() + " -> " + settings.redactedDestination();
    }

    /** Counters so far. */
    public Stats stats() {
        return new Stats(sessions.get(), pictures.get(), egressStarts.get(), dropped.get());
    }

    @Override
    public void run(AudioSink sink) throws IOException {
        run(sink, () -> {
        });
    }

    /**
     * Relays publisher after publisher until {@link #close()}; {@code breakInAudio} runs after each one.
     *
     * @throws IOException when FFmpeg cannot be run, or cannot listen several times in a row (port taken, say)
     */
    @Override
    public void run(AudioSink sink, Runnable breakInAudio) throws IOException {
        try {
            LOG.log(System.Logger.Level.INFO, "relay uses {0}", FfmpegLeg.version(settings.ffmpeg()));
            int failures = 0;
            while (closing.getCount() > 0) {
                long started = nanoClock.getAsLong();
                boolean published = session(sink);
                breakInAudio.run();
                // a listener that stopped at once could not listen; one that waited a while met a bad client
                boolean atOnce = nanoClock.getAsLong() - started < QUICK_FAILURE_NANOS;
                failures = published || !atOnce ? 0 : failures + 1;
                if (failures >= LISTEN_FAILURES_TO_GIVE_UP) {
                    throw new IOException("FFmpeg could not accept a stream on " + settings.listen() + " "
                            + failures + " times in a row; the last time: " + lastIngestReport);
                }
                if (failures > 0 && closing.await(failures, TimeUnit.SECONDS)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("relay interrupted");
        }
    }

    /** One publisher: listen, relay until it leaves; false when none connected. */
    private boolean session(AudioSink sink) throws IOException, InterruptedException {
        try (ServerSocket audioPort = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            audioPort.setSoTimeout(250);
            FfmpegLeg in = FfmpegLeg.start("ingest", ingestCommand(audioPort.getLocalPort()));
            ingest = in;
            if (closing.getCount() == 0) {
                in.terminate();
                return true;
            }
            LOG.log(System.Logger.Level.INFO, "waiting for a stream on {0} (OBS: Settings > Stream > Custom, server "
                    + "{0}, any stream key)", settings.listen());
            Thread audio = Thread.ofPlatform().name("steno-relay-audio").daemon()
                    .start(() -> pumpAudio(audioPort, in, sink));
            try {
                return relay(in);
            } finally {
                in.terminate();
                audio.join(TimeUnit.SECONDS.toMillis(5));
            }
        }
    }

    private boolean relay(FfmpegLeg in) throws InterruptedException {
        FlvReader reader = new FlvReader(in.stdout());
        int flags;
        try {
            flags = reader.readHeader();
        } catch (IOException e) {
            if (closing.getCount() > 0) {
                in.waitFor(2000);
                lastIngestReport = in.exitReport();
                LOG.log(System.Logger.Level.WARNING, "no stream arrived: {0}", lastIngestReport);
            }
            return false;
        }
        long session = sessions.incrementAndGet();
        LOG.log(System.Logger.Level.INFO, "stream {0} connected; relaying with captions to {1}", session,
                settings.redactedDestination());
        Egress out = new Egress(flags);
        Thread writer = Thread.ofPlatform().name("steno-relay-egress").daemon().start(out::run);
        try {
            FlvTag tag;
            while ((tag = reader.next()) != null) {
                out.add(tag);
            }
            LOG.log(System.Logger.Level.INFO, "stream {0} ended", session);
        } catch (IOException e) {
            if (closing.getCount() > 0) {
                LOG.log(System.Logger.Level.WARNING, "stream {0} broke off: {1}", session, e.getMessage());
            }
        } finally {
            out.finish();
            writer.join();
        }
        return true;
    }

    private void pumpAudio(ServerSocket port, FfmpegLeg in, AudioSink sink) {
        try {
            Socket socket = null;
            while (socket == null && in.isAlive() && closing.getCount() > 0) {
                try {
                    socket = port.accept();
                } catch (SocketTimeoutException notYet) {
                    // FFmpeg connects once a publisher's stream is probed
                }
            }
            if (socket == null) {
                return;
            }
            try (Socket s = socket) {
                new PcmS16leSource(s.getInputStream(), "relay audio").run(sink);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "the stream's audio broke off: {0}", e.getMessage());
        }
    }

    private List<String> ingestCommand(int audioPort) {
        return List.of(settings.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "warning",
                "-listen", "1", "-i", settings.listen().toString(),
                "-map", "0:v?", "-map", "0:a?", "-c", "copy", "-flvflags", "no_duration_filesize", "-f", "flv", "pipe:1",
                "-map", "0:a:0", "-vn", "-ac", "1", "-ar", "16000", "-f", "s16le",
                "tcp://127.0.0.1:" + audioPort);
    }

    private List<String> egressCommand() {
        return List.of(settings.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "warning",
                "-f", "flv", "-i", "pipe:0", "-map", "0", "-c", "copy", "-flvflags", "no_duration_filesize",
                "-f", "flv", settings.destination());
    }

    /** Stops relaying: the current stream ends (what was received is still sent) and no new one is accepted. */
    @Override
    public void close() {
        closing.countDown();
        FfmpegLeg in = ingest;
        if (in != null) {
            in.terminate();
        }
    }

    /**
     * The destination side of one stream: tags queue in {@link CaptionedTags}; a thread writes those due to the
     * push leg, restarting it when the destination drops.
     */
    private final class Egress {
        private static final long MAX_RETRY_NANOS = TimeUnit.SECONDS.toNanos(10);
        private static final int AAC = 10;
        private final int flags;
        private final Object lock = new Object();
        private CaptionedTags tags;
        private boolean ended;

        // writer thread only
        private FfmpegLeg leg;
        private FlvWriter writer;
        private boolean started;
        private boolean waitForKeyFrame;
        private int failures;
        private long retryAt;
        private long writtenSinceStart;
        private long countedPictures;
        private long lastTimestamp;
        private FlvTag metadata;
        private FlvTag videoConfig;
        private FlvTag audioConfig;

        Egress(int flags) {
            this.flags = flags;
        }

        void add(FlvTag tag) {
            synchronized (lock) {
                if (tags == null) {
                    double fps = tag.type() == FlvTag.SCRIPT
                            ? ScriptData.frameRate(tag.body()).orElse(settings.fallbackFrameRate())
                            : settings.fallbackFrameRate();
                    LOG.log(System.Logger.Level.INFO, "captions paced at {0} frames/s", fps);
                    tags = new CaptionedTags(captions.pairsAt(fps), fps, settings.delay().toNanos(), nanoClock);
                }
                tags.add(tag);
                lock.notifyAll();
            }
        }

        void finish() {
            synchronized (lock) {
                ended = true;
                lock.notifyAll();
            }
        }

        void run() {
            try {
                boolean last = false;
                while (!last) {
                    List<FlvTag> ready = List.of();
                    long captionedSoFar = 0;
                    synchronized (lock) {
                        while (true) {
                            if (ended) {
                                last = true;
                                ready = tags == null ? List.of() : tags.drain();
                                break;
                            }
                            if (tags != null) {
                                ready = tags.takeReady();
                                if (!ready.isEmpty()) {
                                    break;
                                }
                            }
                            // until the head is due, or a new tag arrives (it may settle the display order)
                            long wait = tags == null ? 0 : tags.nanosUntilDue();
                            TimeUnit.NANOSECONDS.timedWait(lock, wait == 0 || wait == Long.MAX_VALUE
                                    ? TimeUnit.SECONDS.toNanos(1) : wait);
                        }
                        captionedSoFar = tags == null ? 0 : tags.captioned();
                    }
                    send(ready);
                    pictures.addAndGet(captionedSoFar - countedPictures);
                    countedPictures = captionedSoFar;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                closeLeg();
            }
        }

        private void send(List<FlvTag> ready) {
            for (FlvTag t : ready) {
                remember(t);
                if (!legUp()) {
                    dropped.incrementAndGet();
                    continue;
                }
                if (waitForKeyFrame && t.isVideo()) {
                    if (AvcVideo.isKeyFrame(t.body()) && !isConfig(t)) {
                        waitForKeyFrame = false;
                    } else if (!isConfig(t)) {
                        dropped.incrementAndGet();
                        continue;
                    }
                }
                try {
                    writer.write(t);
                    if (++writtenSinceStart == 500) {
                        failures = 0; // it held for a while: the next drop starts the pauses over
                    }
                } catch (IOException e) {
                    legFailed(e);
                    dropped.incrementAndGet();
                }
            }
            if (writer != null) {
                try {
                    writer.flush();
                } catch (IOException e) {
                    legFailed(e);
                }
            }
        }

        /** Keeps what a restarted push must send first: the metadata and both decoder configurations. */
        private void remember(FlvTag t) {
            lastTimestamp = t.timestamp();
            byte[] b = t.body();
            if (t.type() == FlvTag.SCRIPT) {
                metadata = t;
            } else if (isConfig(t)) {
                videoConfig = t;
            } else if (t.type() == FlvTag.AUDIO && b.length > 1 && (b[0] >> 4 & 0x0F) == AAC && b[1] == 0) {
                audioConfig = t;
            }
        }

        private static boolean isConfig(FlvTag t) {
            return t.isVideo() && AvcVideo.isAvc(t.body()) && AvcVideo.packetType(t.body()) == AvcVideo.PACKET_CONFIG;
        }

        /** A running push leg, started (or restarted once its pause is over) if need be. */
        private boolean legUp() {
            if (leg != null) {
                if (leg.isAlive()) {
                    return true;
                }
                legFailed(null);
            }
            if (failures > 0 && nanoClock.getAsLong() - retryAt < 0) {
                return false;
            }
            try {
                leg = FfmpegLeg.start("egress", egressCommand());
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, e.getMessage());
                failures++;
                retryAt = nanoClock.getAsLong() + pause();
                return false;
            }
            egressStarts.incrementAndGet();
            writer = new FlvWriter(new BufferedOutputStream(leg.stdin(), 1 << 16));
            writtenSinceStart = 0;
            try {
                writer.writeHeader(flags);
                if (started) {
                    for (FlvTag t : new FlvTag[] {metadata, videoConfig, audioConfig}) {
                        if (t != null) {
                            writer.write(new FlvTag(t.type(), lastTimestamp, t.body()));
                        }
                    }
                    waitForKeyFrame = true;
                    LOG.log(System.Logger.Level.INFO, "push to {0} restarted; pictures resume at the next key frame",
                            settings.redactedDestination());
                }
                started = true;
                return true;
            } catch (IOException e) {
                legFailed(e);
                return false;
            }
        }

        private long pause() {
            return Math.min(MAX_RETRY_NANOS, TimeUnit.SECONDS.toNanos(1L << Math.min(failures - 1, 4)));
        }

        private void legFailed(IOException cause) {
            FfmpegLeg failed = leg;
            leg = null;
            writer = null;
            failures++;
            retryAt = nanoClock.getAsLong() + pause();
            try {
                failed.waitFor(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            LOG.log(System.Logger.Level.WARNING, "the push to {0} stopped{1}; {2}; retrying in {3} s",
                    settings.redactedDestination(), cause == null ? "" : " (" + cause.getMessage() + ")",
                    failed.exitReport(), pause() / 1_000_000_000L);
            failed.terminate();
        }

        /** The stream ended: let FFmpeg send what it has and finish the destination's stream. */
        private void closeLeg() {
            if (leg == null) {
                return;
            }
            try {
                writer.flush();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "the push to {0} stopped at the end: {1}",
                        settings.redactedDestination(), e.getMessage());
            }
            leg.close();
            leg = null;
        }
    }

    /**
     * Relay counters.
     *
     * @param streams        publishers relayed
     * @param pictures       pictures that left with a caption SEI
     * @param egressStarts   times the push to the destination was started (more than streams: it was restarted)
     * @param droppedTags    tags not sent because the destination was down
     */
    public record Stats(long streams, long pictures, long egressStarts, long droppedTags) {
    }
}
