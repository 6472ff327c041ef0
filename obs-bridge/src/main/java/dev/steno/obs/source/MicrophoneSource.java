package dev.steno.obs.source;

import dev.steno.engine.audio.AudioSink;
import dev.steno.engine.audio.Resampler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.TargetDataLine;

/**
 * The system microphone through {@code javax.sound.sampled}: 16-bit mono at 16 kHz when the device offers it, else
 * at 48 or 44.1 kHz resampled to 16 kHz.
 */
public final class MicrophoneSource implements AudioSource {
    private static final float[] RATES = {16000, 48000, 44100};

    private final String mixerName;
    private volatile TargetDataLine line;
    private volatile boolean closed;

    /** @param mixerName part of the capture device's name, or null for the system default */
    public MicrophoneSource(String mixerName) {
        this.mixerName = mixerName;
    }

    @Override
    public String describe() {
        return "microphone" + (mixerName == null ? "" : " '" + mixerName + "'");
    }

    /** The capture devices javax.sound sees, for error messages and {@code --help}. */
    public static List<String> devices() {
        List<String> names = new ArrayList<>();
        for (Mixer.Info info : AudioSystem.getMixerInfo()) {
            Mixer m = AudioSystem.getMixer(info);
            if (m.getTargetLineInfo().length > 0 && m.isLineSupported(new DataLine.Info(TargetDataLine.class, null))) {
                names.add(info.getName());
            }
        }
        return names;
    }

    /** Opens the device; fails with a clear message when there is none or it is busy. */
    private TargetDataLine open() throws IOException {
        Mixer.Info chosen = null;
        if (mixerName != null) {
            for (Mixer.Info info : AudioSystem.getMixerInfo()) {
                if (info.getName().contains(mixerName)) {
                    chosen = info;
                    break;
                }
            }
            if (chosen == null) {
                throw new IOException("no capture device named like '" + mixerName + "'; devices: " + devices());
            }
        }
        LineUnavailableException last = null;
        for (float rate : RATES) {
            AudioFormat format = new AudioFormat(rate, 16, 1, true, false);
            DataLine.Info info = new DataLine.Info(TargetDataLine.class, format);
            try {
                TargetDataLine l = chosen != null ? (TargetDataLine) AudioSystem.getMixer(chosen).getLine(info)
                        : AudioSystem.isLineSupported(info) ? (TargetDataLine) AudioSystem.getLine(info) : null;
                if (l == null) {
                    continue;
                }
                l.open(format, (int) rate / 5 * 2); // 200 ms device buffer
                return l;
            } catch (LineUnavailableException | IllegalArgumentException e) {
                last = e instanceof LineUnavailableException u ? u : last;
            }
        }
        throw new IOException("no microphone: javax.sound found no capture device offering 16-bit mono PCM"
                + (last != null ? " (" + last.getMessage() + ")" : "") + "; devices seen: " + devices()
                + ". On Linux check 'arecord -l'; or pipe audio in with --source stdin");
    }

    @Override
    public void run(AudioSink sink) throws IOException {
        TargetDataLine l = open();
        line = l;
        int rate = Math.round(l.getFormat().getSampleRate());
        Resampler resampler = rate == 16000 ? null : new Resampler(rate, 16000);
        int frameSamples = rate / 10;
        byte[] bytes = new byte[frameSamples * 2];
        float[] samples = new float[frameSamples];
        float[] resampled = resampler == null ? null : new float[resampler.maxOutput(frameSamples)];
        l.start();
        try {
            while (!closed) {
                int n = l.read(bytes, 0, bytes.length);
                if (n <= 0) {
                    if (closed || !l.isOpen()) {
                        break;
                    }
                    continue;
                }
                int count = n / 2;
                for (int i = 0; i < count; i++) {
                    samples[i] = (short) ((bytes[2 * i] & 0xFF) | (bytes[2 * i + 1] << 8)) / 32768f;
                }
                if (resampler == null) {
                    sink.accept(samples, 0, count);
                } else {
                    int out = resampler.process(samples, 0, count, resampled, 0);
                    sink.accept(resampled, 0, out);
                }
            }
        } finally {
            l.stop();
            l.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        TargetDataLine l = line;
        if (l != null) {
            l.stop(); // wakes a blocked read
        }
    }
}
