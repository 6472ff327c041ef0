package dev.steno.jitsi.rtp;

import dev.steno.engine.transcript.LineSink;

/**
 * Receives each RTP participant's decoded audio: 16 kHz mono float samples in [-1, 1], in order, with lost packets
 * already concealed so that the sample count follows the sender's clock.
 *
 * <p>Calls for one participant stream never overlap and come in order; calls for different streams may come from
 * different threads at once. The arrays are reused after each call: copy what you keep. Implementations must return
 * quickly (queue work elsewhere) since they run on the shared decode workers.
 */
public interface ParticipantAudioSink {
    /** A new stream started for this participant (before its first audio). */
    default void start(RtpParticipant participant) {
    }

    /** The next decoded samples. */
    void audio(RtpParticipant participant, float[] pcm16k, int off, int len);

    /**
     * Packets were given up as lost; the concealment that replaces them is (or will be) part of {@link #audio}.
     *
     * @param lostPackets how many sequence numbers were lost in a row
     */
    default void loss(RtpParticipant participant, int lostPackets) {
    }

    /** The stream ended (idle timeout, mapping removed, or shutdown); no more calls follow for it. */
    void end(RtpParticipant participant);

    /**
     * Where committed lines go (the server's webhooks), given once the sink is part of a server, before any stream
     * starts. Sinks that publish lines their own way (a meeting store) ignore it.
     */
    default void publishLinesTo(LineSink lines) {
    }
}
