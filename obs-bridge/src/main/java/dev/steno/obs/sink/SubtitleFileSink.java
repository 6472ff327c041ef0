package dev.steno.obs.sink;

import dev.steno.engine.transcript.CueWriter;
import dev.steno.engine.transcript.Word;
import dev.steno.obs.caption.CaptionSink;
import dev.steno.obs.caption.CommittedWords;
import dev.steno.obs.caption.LineWrapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A live SubRip or WebVTT file of the final text: words are grouped into cues of at most two lines of 42
 * characters, ending at a sentence end, a change of speaker, a pause, or after 7 s; each cue is written and flushed
 * as soon as it ends, so a player or editor can follow the file while the stream runs. WebVTT cues carry the
 * speaker as a voice tag ({@code <v Speaker 2>}) when known.
 */
public final class SubtitleFileSink implements CaptionSink {
    /** The two subtitle formats written live. */
    public enum Format { SRT, VTT }

    static final int LINE_CHARS = 42;
    static final int MAX_LINES = 2;
    static final double MAX_CUE_SECONDS = 7;

    private final Format format;
    private final Path file;
    private final BufferedWriter out;
    private final List<Word> cue = new ArrayList<>();
    private final CueWriter cues;
    private int cueSpeaker;

    /** Creates (or truncates) the file and writes the header. */
    public SubtitleFileSink(Path file, Format format) throws IOException {
        this.file = file;
        this.format = format;
        this.cues = new CueWriter(format == Format.VTT ? CueWriter.Style.VTT : CueWriter.Style.SRT);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        String header = cues.header();
        if (!header.isEmpty()) {
            out.write(header);
            out.flush();
        }
    }

    /** The format a file name asks for: {@code .vtt} is WebVTT, anything else SubRip. */
    public static Format formatOf(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".vtt") ? Format.VTT : Format.SRT;
    }

    @Override
    public String name() {
        return format.name().toLowerCase(Locale.ROOT) + " " + file;
    }

    @Override
    public void committed(CommittedWords words) {
        if (!cue.isEmpty() && words.speaker() != cueSpeaker) {
            endCue();
        }
        cueSpeaker = words.speaker();
        for (Word w : words.words()) {
            if (w.bare().isEmpty()) {
                continue;
            }
            if (!cue.isEmpty() && (tooLong(w) || w.end() - cue.get(0).start() > MAX_CUE_SECONDS)) {
                endCue();
            }
            cue.add(w);
            String bare = w.bare();
            char last = bare.charAt(bare.length() - 1);
            if (last == '.' || last == '?' || last == '!' || last == '。' || last == '？' || last == '！') {
                endCue();
            }
        }
    }

    private boolean tooLong(Word next) {
        List<Word> candidate = new ArrayList<>(cue);
        candidate.add(next);
        return LineWrapper.wrap(text(candidate), LINE_CHARS).size() > MAX_LINES;
    }

    @Override
    public void silence() {
        endCue();
    }

    /** Writes the open cue, if any, and flushes it to the file. */
    private void endCue() {
        if (cue.isEmpty()) {
            return;
        }
        double start = cue.get(0).start();
        double end = Math.max(cue.get(cue.size() - 1).end(), start + 0.001);
        String body = String.join("\n", LineWrapper.wrap(text(cue), LINE_CHARS));
        StringBuilder s = cues.cue(new StringBuilder(), start, end, CueWriter.speakerVoice(cueSpeaker), body);
        cue.clear();
        try {
            out.write(s.toString());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write subtitles to " + file + ": " + e.getMessage(), e);
        }
    }

    private static String text(List<Word> words) {
        StringBuilder sb = new StringBuilder();
        for (Word w : words) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(w.bare());
        }
        return sb.toString();
    }

    @Override
    public void close() {
        try {
            endCue();
        } finally {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
