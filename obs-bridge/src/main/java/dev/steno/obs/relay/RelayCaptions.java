package dev.steno.obs.relay;

import dev.steno.obs.caption.CaptionSink;
import dev.steno.obs.caption.CommittedWords;
import dev.steno.obs.cea608.Cea608CaptionSink;
import dev.steno.obs.cea608.Cea608Settings;
import dev.steno.obs.cea608.PairSource;
import java.util.Objects;

/**
 * The relay's CEA-608 encoder as a caption sink: transcript text goes in from the caption feed, byte pairs come out
 * to the video's pictures. The encoder is paced by the stream's frame rate, which is known only once a publisher
 * connects; a reconnect at another rate gets a fresh encoder (text still queued for the old one is dropped, and
 * logged).
 */
public final class RelayCaptions implements CaptionSink {
    private static final System.Logger LOG = System.getLogger(RelayCaptions.class.getName());

    private final Cea608Settings settings;
    private Cea608CaptionSink encoder;

    /** @param settings channel, mode and pacing; the frame rate is replaced by the stream's */
    public RelayCaptions(Cea608Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.encoder = new Cea608CaptionSink(settings);
    }

    /** The pairs for a stream at {@code frameRate} frames per second. */
    public synchronized PairSource pairsAt(double frameRate) {
        if (encoder.settings().frameRate() != frameRate) {
            if (!encoder.idle()) {
                LOG.log(System.Logger.Level.INFO, "the stream''s frame rate changed from {0} to {1}: captions not "
                        + "yet sent are dropped", encoder.settings().frameRate(), frameRate);
            }
            encoder = new Cea608CaptionSink(settings.withFrameRate(frameRate));
        }
        Cea608CaptionSink current = encoder;
        return current::nextPair;
    }

    /** Counters of the current encoder. */
    public synchronized Cea608CaptionSink.Stats stats() {
        return encoder.stats();
    }

    @Override
    public String name() {
        return "cea608-relay";
    }

    @Override
    public synchronized void partial(String text) {
        encoder.partial(text);
    }

    @Override
    public synchronized void committed(CommittedWords words) {
        encoder.commit(words.speaker(), words.words());
    }

    @Override
    public synchronized void silence() {
        encoder.silence();
    }
}
