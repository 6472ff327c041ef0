package dev.steno.engine.stream;

import dev.steno.engine.asr.SpeechRecognizer;
import dev.steno.engine.asr.WhisperModelParts;
import dev.steno.engine.policy.LocalAgreementConfig;
import dev.steno.engine.policy.LocalAgreementPolicy;
import dev.steno.engine.policy.StreamingPolicy;
import dev.steno.engine.policy.alignatt.AlignAttConfig;
import dev.steno.engine.policy.alignatt.AlignAttModel;
import dev.steno.engine.policy.alignatt.AlignAttPolicy;
import dev.steno.engine.policy.alignatt.JavaWhisperAlignAttModel;
import dev.steno.engine.policy.alignatt.SpeechEmulation;
import dev.steno.engine.whisper.DecoderBatcher;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds each stream's streaming policy over one shared recogniser, choosing the policy by what the recogniser can
 * do: SimulStreaming (AlignAtt) needs to read the decoder's cross-attention ({@link SpeechRecognizer#crossAttention()}),
 * LocalAgreement works with any recogniser. Thread-safe; one instance serves every stream of a model.
 */
public final class StreamingPolicies {
    /** Which policy streams run. */
    public enum Choice {
        /** SimulStreaming when the recogniser exposes cross-attention, else LocalAgreement. */
        AUTO,
        /** SimulStreaming (AlignAtt): decode once, stop where attention reaches the end of the audio. */
        SIMULSTREAMING,
        /** LocalAgreement: re-transcribe the buffer, commit what two passes agree on. */
        LOCALAGREEMENT;

        /**
         * Parses a command-line name: auto, simulstreaming (or alignatt), localagreement (or local-agreement).
         *
         * @throws IllegalArgumentException for any other name
         */
        public static Choice parse(String name) {
            return switch (name.strip().toLowerCase(Locale.ROOT)) {
                case "auto" -> AUTO;
                case "simulstreaming", "alignatt" -> SIMULSTREAMING;
                case "localagreement", "local-agreement" -> LOCALAGREEMENT;
                default -> throw new IllegalArgumentException("policy '" + name
                        + "' is not available: use simulstreaming, localagreement or auto");
            };
        }
    }

    private final SpeechRecognizer recognizer;
    private final LocalAgreementConfig localAgreement;
    private final AlignAttConfig alignAtt;
    /** Null unless streams run SimulStreaming. */
    private final AlignAttModel alignAttModel;
    /** Tokens per second of {@link SpeechEmulation}, 0 when streams decode the model's own output. */
    private final double emulatedTokensPerSecond;

    private StreamingPolicies(SpeechRecognizer recognizer, LocalAgreementConfig localAgreement,
                              AlignAttConfig alignAtt, AlignAttModel alignAttModel, double emulatedTokensPerSecond) {
        this.recognizer = recognizer;
        this.localAgreement = localAgreement;
        this.alignAtt = alignAtt;
        this.alignAttModel = alignAttModel;
        this.emulatedTokensPerSecond = emulatedTokensPerSecond;
    }

    /**
     * Policies over {@code recognizer}.
     *
     * @param localAgreement LocalAgreement's settings (used when the choice resolves to it)
     * @param alignAtt       SimulStreaming's settings (used when the choice resolves to it)
     * @throws IllegalArgumentException when SimulStreaming is asked for and the recogniser hides its cross-attention
     */
    public static StreamingPolicies of(SpeechRecognizer recognizer, Choice choice, LocalAgreementConfig localAgreement,
                                       AlignAttConfig alignAtt) {
        return of(recognizer, choice, localAgreement, alignAtt, 1);
    }

    /**
     * As {@link #of(SpeechRecognizer, Choice, LocalAgreementConfig, AlignAttConfig)}, SimulStreaming's streams sharing
     * {@code workers} compute slots (see {@link #streamsInFlight}).
     */
    public static StreamingPolicies of(SpeechRecognizer recognizer, Choice choice, LocalAgreementConfig localAgreement,
                                       AlignAttConfig alignAtt, int workers) {
        Objects.requireNonNull(recognizer, "recognizer");
        Objects.requireNonNull(choice, "choice");
        Objects.requireNonNull(localAgreement, "localAgreement");
        Objects.requireNonNull(alignAtt, "alignAtt");
        Optional<WhisperModelParts> parts = recognizer.crossAttention();
        if (choice == Choice.SIMULSTREAMING && parts.isEmpty()) {
            throw new IllegalArgumentException("simulstreaming reads the decoder's cross-attention, which the "
                    + recognizer.backendName() + " backend does not expose: use --backend java or localagreement");
        }
        boolean simul = choice == Choice.SIMULSTREAMING || (choice == Choice.AUTO && parts.isPresent());
        return new StreamingPolicies(recognizer, localAgreement, alignAtt,
                simul ? new JavaWhisperAlignAttModel(parts.get(), workers) : null, 0);
    }

    /**
     * Streams that should be in flight (scheduler threads) for {@code workers} inference workers when SimulStreaming
     * batches the decoder steps of up to {@code batchStreams} streams per worker. Their heavy calls share the
     * worker's compute slot in rounds (all encode, then all decode, their steps as one batch over the weights;
     * {@code ComputeGate}). 1, the default, runs one stream per worker: with a 30 s encoder window the encoder is
     * most of a step, and waiting for the round's other encoders costs a stream more than sharing the decoder pass
     * saves it (measured: README). LocalAgreement always runs one per worker.
     *
     * @throws IllegalArgumentException if {@code batchStreams} is below 1
     */
    public int streamsInFlight(int workers, int batchStreams) {
        if (batchStreams < 1) {
            throw new IllegalArgumentException("streams per worker must be >= 1, was " + batchStreams);
        }
        return simulStreaming() ? Math.multiplyExact(workers, batchStreams) : workers;
    }

    /**
     * These policies with every stream's decoding replaced by {@link SpeechEmulation} at {@code tokensPerSecond}:
     * the model's full compute, a scripted transcript's outcome. For load figures on random-weight models.
     *
     * @throws IllegalArgumentException when streams do not run SimulStreaming, or the rate is not above 0
     */
    public StreamingPolicies emulatingSpeech(double tokensPerSecond) {
        if (alignAttModel == null) {
            throw new IllegalArgumentException("speech emulation drives SimulStreaming (AlignAtt); these streams run "
                    + name());
        }
        return new StreamingPolicies(recognizer, localAgreement, alignAtt, alignAttModel,
                SpeechEmulation.checkedRate(tokensPerSecond));
    }

    /** Tokens per second of the speech emulation, 0 when streams decode the model's own output. */
    public double emulatedTokensPerSecond() {
        return emulatedTokensPerSecond;
    }

    /** LocalAgreement on {@code recognizer}, whatever it can do. */
    public static StreamingPolicies localAgreement(SpeechRecognizer recognizer, LocalAgreementConfig config) {
        return of(recognizer, Choice.LOCALAGREEMENT, config, AlignAttConfig.defaults());
    }

    /**
     * A new policy for one stream.
     *
     * @param language ISO 639-1 code, or null for the configured language
     */
    public StreamingPolicy create(String language) {
        return create(language, "");
    }

    /**
     * A new policy for one stream whose client gave a prompt of its own (an upload's {@code prompt}, the glossary of
     * Deepgram's {@code keywords} and {@code keyterm}): it joins the stream's static prompt after the server's.
     *
     * @param language    ISO 639-1 code, or null for the configured language
     * @param extraPrompt the client's prompt, empty for none
     */
    public StreamingPolicy create(String language, String extraPrompt) {
        Objects.requireNonNull(extraPrompt, "extraPrompt");
        if (alignAttModel != null) {
            AlignAttConfig.Builder b = alignAtt.toBuilder();
            if (language != null) {
                b.language(language);
            }
            if (!extraPrompt.isBlank()) {
                b.staticInitPrompt(join(alignAtt.staticInitPrompt(), extraPrompt));
            }
            AlignAttConfig config = b.build();
            return emulatedTokensPerSecond > 0
                    ? SpeechEmulation.policy(alignAttModel, config, emulatedTokensPerSecond)
                    : new AlignAttPolicy(alignAttModel, config);
        }
        LocalAgreementConfig.Builder b = localAgreement.toBuilder();
        if (language != null) {
            b.language(language);
        }
        if (!extraPrompt.isBlank()) {
            b.staticPrompt(join(localAgreement.staticPrompt(), extraPrompt));
        }
        return new LocalAgreementPolicy(recognizer, b.build());
    }

    private static String join(String serverPrompt, String extra) {
        return serverPrompt.isBlank() ? extra.strip() : serverPrompt.strip() + " " + extra.strip();
    }

    /**
     * The decoder batches of the streams so far (SimulStreaming on the Java backend), empty for other policies.
     */
    public Optional<DecoderBatcher.Counts> decoderBatches() {
        return alignAttModel instanceof JavaWhisperAlignAttModel java ? Optional.of(java.batchCounts())
                : Optional.empty();
    }

    /** True when streams run SimulStreaming. */
    public boolean simulStreaming() {
        return alignAttModel != null;
    }

    /** "simulstreaming" or "localagreement", for logs. */
    public String name() {
        return simulStreaming() ? "simulstreaming" : "localagreement";
    }

    /** The configured language, or null for detection. */
    public String defaultLanguage() {
        return simulStreaming() ? alignAtt.language() : localAgreement.language();
    }

    /** The recogniser the policies run on. */
    public SpeechRecognizer recognizer() {
        return recognizer;
    }
}
