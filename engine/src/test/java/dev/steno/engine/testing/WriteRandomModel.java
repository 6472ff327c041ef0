package dev.steno.engine.testing;

import java.nio.file.Path;

/**
 * Writes a random-weight ggml Whisper model for command-line benchmarks ({@code steno bench ... --model-path}):
 * {@code java -cp engine/target/test-classes:engine/target/classes dev.steno.engine.testing.WriteRandomModel
 * OUT.bin tiny|base|small|micro [seed]}.
 */
public final class WriteRandomModel {
    private WriteRandomModel() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: WriteRandomModel OUT.bin tiny|base|small|micro [seed]");
            System.exit(2);
        }
        RandomGgmlWhisper.Config cfg = RandomGgmlWhisper.Config.named(args[1]);
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
        System.out.println(RandomGgmlWhisper.write(Path.of(args[0]), cfg, seed));
    }
}
