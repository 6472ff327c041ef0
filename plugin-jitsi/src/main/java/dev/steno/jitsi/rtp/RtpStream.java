package dev.steno.jitsi.rtp;

import dev.steno.engine.audio.AudioFormatException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One SSRC on one port: jitter buffer, optional SRTP context and Opus decoder, feeding one participant.
 *
 * <p>The receive thread {@link #offer offers} packets; a decode worker runs {@link #run} to play out what is ready.
 * The {@code scheduled} flag keeps at most one worker on a stream, so the decoder needs no lock and the executor's
 * queue never holds a stream twice. The jitter buffer is the only state both sides touch; it is guarded by this
 * object's monitor and the payload is copied out under it, so decoding runs unlocked.
 */
final class RtpStream implements Runnable {
    final RtpParticipant participant;
    final RtpMapping mapping;
    final int payloadType;
    /** Used by the receive thread only. */
    final SrtpReceiver srtp;

    private final RtpIngest owner;
    private final JitterBuffer buffer;
    private final JitterBuffer.Released released = new JitterBuffer.Released(RtpConfig.MAX_DATAGRAM);
    private final OpusRtpDecoder decoder;
    private final AtomicBoolean scheduled = new AtomicBoolean();

    volatile long lastArrivalNanos;
    private volatile boolean ending;
    private boolean ended;
    private int lostRun;
    private volatile long packets;
    private volatile long lost;

    RtpStream(RtpIngest owner, RtpParticipant participant, RtpMapping mapping, int payloadType, SrtpKey srtpKey,
              RtpConfig config) {
        this.owner = owner;
        this.participant = participant;
        this.mapping = mapping;
        this.payloadType = payloadType;
        this.srtp = srtpKey == null ? null : new SrtpReceiver(srtpKey, participant.ssrc());
        this.buffer = new JitterBuffer(64, RtpConfig.MAX_DATAGRAM, config.jitterPackets(),
                config.maxDelay().toNanos());
        ParticipantAudioSink sink = owner.sink();
        this.decoder = new OpusRtpDecoder((samples, off, len) -> sink.audio(participant, samples, off, len));
    }

    /** Called on the receive thread. */
    JitterBuffer.Offer offer(int sequence, long timestamp, byte[] buf, int off, int len, long nowNanos) {
        lastArrivalNanos = nowNanos;
        JitterBuffer.Offer result;
        synchronized (this) {
            result = buffer.offer(sequence, timestamp, buf, off, len, nowNanos);
        }
        if (result == JitterBuffer.Offer.ACCEPTED || result == JitterBuffer.Offer.RESYNCED) {
            schedule();
        }
        return result;
    }

    /** Whether a worker should run now (a packet is due, or a loss may be declared). */
    boolean due(long nowNanos) {
        synchronized (this) {
            return buffer.waitNanos(nowNanos) == 0;
        }
    }

    /** Asks for the stream to end: the rest is played out, then the sink hears {@link ParticipantAudioSink#end}. */
    void end() {
        ending = true;
        schedule();
    }

    boolean ending() {
        return ending;
    }

    void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            if (!owner.submit(this)) {
                scheduled.set(false);
            }
        }
    }

    @Override
    public void run() {
        try {
            if (!ended) {
                drain();
            }
        } finally {
            scheduled.set(false);
        }
        if (!ended && (ending || due(owner.nanoTime()))) {
            schedule();
        }
    }

    private void drain() {
        boolean force = ending;
        while (true) {
            JitterBuffer.Kind kind;
            synchronized (this) {
                kind = buffer.poll(released, owner.nanoTime(), force);
            }
            if (kind == JitterBuffer.Kind.NONE) {
                break;
            }
            if (kind == JitterBuffer.Kind.LOST) {
                lostRun++;
                lost++;
                continue;
            }
            if (lostRun > 0) {
                owner.sink().loss(participant, lostRun);
                lostRun = 0;
            }
            packets++;
            try {
                decoder.packet(released.timestamp, released.data, 0, released.length);
            } catch (AudioFormatException e) {
                owner.drops().drop(DropReason.BAD_OPUS, participant.port(), participant.ssrc(), e.getMessage());
            }
        }
        if (force) {
            ended = true;
            if (lostRun > 0) {
                owner.sink().loss(participant, lostRun);
            }
            decoder.end();
            if (srtp != null) {
                srtp.close();
            }
            owner.ended(this);
            owner.sink().end(participant);
        }
    }

    long packets() {
        return packets;
    }

    long lost() {
        return lost;
    }

    /** Read by stats only; the decoder's counters are plain longs written by one worker at a time. */
    long concealedSamples48k() {
        return decoder.concealedSamples() + decoder.fecSamples();
    }

    long samplesDelivered() {
        return decoder.samplesDelivered();
    }
}
