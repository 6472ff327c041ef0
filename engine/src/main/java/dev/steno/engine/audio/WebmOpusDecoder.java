package dev.steno.engine.audio;

import dev.steno.engine.audio.webm.OpusTrack;
import dev.steno.engine.audio.webm.WebmDemuxer;
import java.util.Objects;

/**
 * Decodes a WebM/Opus stream, as the browser's {@code MediaRecorder} sends it in timeslices, to mono 16 kHz float
 * samples: a {@link WebmDemuxer} finds the Opus packets and an {@link OpusPacketDecoder} decodes them, keeping their
 * timing across lost or paused stretches.
 *
 * <p>A stream cut inside an element (the tab closed mid-write) ends normally at {@link #end}: the audio before the cut
 * is delivered and {@link #incompleteBytes} says how much was left over. A stream that ends before its track list, or
 * holds no Opus audio track, fails.
 */
public final class WebmOpusDecoder implements StreamingAudioDecoder {
    private final AudioSink sink;
    private final WebmDemuxer demuxer;
    private OpusPacketDecoder opus;
    private long incomplete;
    private boolean ended;

    /** A decoder delivering to {@code sink}, which must copy what it keeps. */
    public WebmOpusDecoder(AudioSink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.demuxer = new WebmDemuxer(new WebmDemuxer.Listener() {
            @Override
            public void track(OpusTrack track) {
                opus = new OpusPacketDecoder(Concealment.MILLISECOND_TIMESTAMPS, track.preSkip(), track.outputGainQ8(),
                        WebmOpusDecoder.this.sink);
            }

            @Override
            public void packet(byte[] data, int off, int len, long timestampMs, int laceIndex)
                    throws AudioFormatException {
                opus.decode(data, off, len, laceIndex == 0 ? timestampMs : OpusPacketDecoder.NO_TIMESTAMP);
            }
        });
    }

    @Override
    public void push(byte[] data, int off, int len) throws AudioFormatException {
        demuxer.push(data, off, len);
    }

    @Override
    public void end() throws AudioFormatException {
        if (ended) {
            return;
        }
        ended = true;
        incomplete = demuxer.end();
        if (opus != null) {
            opus.end();
        }
    }

    @Override
    public InputFormat format() {
        return InputFormat.WEBM_OPUS;
    }

    @Override
    public long samplesDelivered() {
        return opus == null ? 0 : opus.samplesDelivered();
    }

    /** The Opus track being decoded, or null until the stream's track list has arrived. */
    public OpusTrack track() {
        return demuxer.track();
    }

    /** Bytes of an element cut short by the end of the stream; 0 until {@link #end} and for a complete stream. */
    public long incompleteBytes() {
        return incomplete;
    }

    /** 48 kHz samples filled by packet loss concealment for gaps in the timestamps. */
    public long concealedSamples() {
        return opus == null ? 0 : opus.concealedSamples();
    }

    /** 48 kHz samples of silence inserted for timestamp gaps longer than concealment covers. */
    public long silenceSamples() {
        return opus == null ? 0 : opus.silenceSamples();
    }
}
