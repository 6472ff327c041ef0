package dev.steno.server.http;

import dev.steno.engine.audio.AudioFormatException;
import dev.steno.engine.audio.AudioSink;
import dev.steno.engine.audio.PcmAudio;
import dev.steno.engine.audio.WavReader;
import dev.steno.engine.audio.WebmOpusDecoder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;

/** An uploaded file as 16 kHz mono samples: WAV or WebM/Opus, told apart by their first bytes. */
final class UploadAudio {
    private UploadAudio() {
    }

    static float[] decode(byte[] bytes, String fileName) throws AudioFormatException {
        String name = fileName == null ? "upload" : fileName;
        if (bytes.length >= 4 && (bytes[0] & 0xff) == 0x1A && (bytes[1] & 0xff) == 0x45 && (bytes[2] & 0xff) == 0xDF
                && (bytes[3] & 0xff) == 0xA3) {
            FloatCollector collected = new FloatCollector();
            WebmOpusDecoder decoder = new WebmOpusDecoder(collected);
            decoder.push(bytes, 0, bytes.length);
            decoder.end();
            return collected.toArray();
        }
        try {
            PcmAudio pcm = WavReader.read(new ByteArrayInputStream(bytes), name);
            return pcm.resampledTo(16000).samples();
        } catch (AudioFormatException e) {
            throw new AudioFormatException(e.getMessage() + " (uploads may be WAV or WebM/Opus)");
        } catch (IOException e) {
            throw new AudioFormatException(name + ": " + e.getMessage());
        }
    }

    /** Gathers a decoder's output into one array. */
    private static final class FloatCollector implements AudioSink {
        private float[] data = new float[16000 * 30];
        private int size;

        @Override
        public void accept(float[] samples, int off, int len) {
            if (size + len > data.length) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, size + len));
            }
            System.arraycopy(samples, off, data, size, len);
            size += len;
        }

        float[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
