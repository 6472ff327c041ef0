package dev.steno.cli;

import dev.steno.obs.caption.CaptionSink;
import dev.steno.obs.sink.SubtitleFileSink;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The flags of the live transcript files beside captions: {@code steno obs} and {@code steno relay}. */
final class TranscriptFileOptions {
    @Option(names = "--srt", paramLabel = "FILE", description = "Write a live SubRip file (final text, a cue at a time).")
    Path srt;

    @Option(names = "--vtt", paramLabel = "FILE", description = "Write a live WebVTT file (with speaker voice tags).")
    Path vtt;

    /** Whether any file was asked for. */
    boolean any() {
        return srt != null || vtt != null;
    }

    /** Adds a sink for each file asked for. */
    void addSinks(List<CaptionSink> sinks) throws IOException {
        if (srt != null) {
            sinks.add(new SubtitleFileSink(srt, SubtitleFileSink.Format.SRT));
        }
        if (vtt != null) {
            sinks.add(new SubtitleFileSink(vtt, SubtitleFileSink.Format.VTT));
        }
    }
}
