package dev.steno.engine.audio;

/**
 * Decodes a containerised audio stream whose container is told by its first four bytes: {@code RIFF} is WAV
 * ({@link WavStreamDecoder}), the EBML magic is WebM/Opus ({@link WebmOpusDecoder}), {@code OggS} is Ogg/Opus
 * ({@link OggOpusDecoder}). Anything else is refused with an
 * {@link AudioFormatException}: unlike {@link AutoDetectingDecoder}, raw PCM is not a fallback here, because the
 * protocols that use this (Deepgram's {@code encoding} left out) state raw audio's format explicitly.
 */
public final class ContainerDecoder extends PrefixChosenDecoder {
    private static final int MAGIC = 4;

    /** A decoder delivering 16 kHz mono to {@code sink}, which must copy what it keeps. */
    public ContainerDecoder(AudioSink sink) {
        super(sink, MAGIC);
    }

    @Override
    StreamingAudioDecoder choose(byte[] magic, int len, boolean atEnd) throws AudioFormatException {
        if (len < MAGIC) {
            if (atEnd) {
                throw new AudioFormatException("the audio ended after " + len + " bytes, too short for a container");
            }
            return null;
        }
        if (magic[0] == 'R' && magic[1] == 'I' && magic[2] == 'F' && magic[3] == 'F') {
            return new WavStreamDecoder(sink);
        }
        if (magic[0] == 0x1A && magic[1] == 0x45 && magic[2] == (byte) 0xDF && magic[3] == (byte) 0xA3) {
            return new WebmOpusDecoder(sink);
        }
        if (magic[0] == 'O' && magic[1] == 'g' && magic[2] == 'g' && magic[3] == 'S') {
            return new OggOpusDecoder(sink);
        }
        throw new AudioFormatException("unrecognised audio container: send WAV, WebM/Opus or Ogg/Opus, or raw audio with"
                + " encoding=linear16 and its sample_rate");
    }
}
