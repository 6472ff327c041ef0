package dev.steno.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code steno} command: real-time speech transcription on the JVM. */
@Command(name = "steno",
        mixinStandardHelpOptions = true,
        versionProvider = Steno.Version.class,
        description = "Real-time speech transcription on the JVM (Whisper with streaming policies).",
        subcommands = {ServeCommand.class, ObsCommand.class, RelayCommand.class, TranscribeCommand.class, DiarizeCommand.class, ModelsCommand.class, BenchCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Run 'steno COMMAND --help' for the flags of a command."})
public final class Steno implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.manager") == null) {
            // before anything logs: the manager is chosen once, when logging starts
            System.setProperty("java.util.logging.manager", ShutdownSafeLogManager.class.getName());
        }
        configureLogging();
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** One-line log records on standard error; {@code STENO_LOG_LEVEL} (e.g. FINE) shows more. */
    static void configureLogging() {
        if (System.getProperty("java.util.logging.config.file") != null) {
            return; // the user's own configuration wins
        }
        try (InputStream in = Steno.class.getResourceAsStream("logging.properties")) {
            if (in != null) {
                LogManager.getLogManager().readConfiguration(in);
            }
        } catch (IOException e) {
            System.err.println("steno: could not configure logging: " + e.getMessage());
        }
        String level = System.getenv("STENO_LOG_LEVEL");
        if (level != null && !level.isBlank()) {
            try {
                Logger.getLogger("").setLevel(Level.parse(level.strip()));
            } catch (IllegalArgumentException e) {
                System.err.println("steno: STENO_LOG_LEVEL=" + level + " is not a level (use SEVERE, WARNING, INFO, FINE)");
            }
        }
    }

    /** Runs the command line and returns the exit code (0 ok, 1 failure, 2 bad usage). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Steno());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new ErrorReporter());
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("steno: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            return 2;
        });
        if (args.length > 0 && args[0].equals("serve")) {
            try {
                cl.getSubcommands().get("serve").setDefaultValueProvider(ServeCommand.configDefaults(args));
            } catch (IllegalArgumentException e) {
                err.println("steno: " + e.getMessage());
                return 2;
            }
        }
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Reports failures as one clear line; the stack trace only with {@code --verbose} or STENO_DEBUG. */
    static final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
            PrintWriter err = cl.getErr();
            if (ex instanceof CommandLine.ParameterException) {
                err.println("steno: " + ex.getMessage());
                err.println("Run '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
                return 2;
            }
            err.println("steno: error: " + RedactingFormatter.redact(describe(ex)));
            boolean verbose = System.getenv("STENO_DEBUG") != null
                    || (parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--verbose"));
            if (verbose) {
                ex.printStackTrace(err);
            }
            return 1;
        }

        static String describe(Throwable ex) {
            String msg = ex.getMessage();
            if (ex instanceof NoSuchFileException) {
                return "no such file: " + msg;
            }
            if (ex instanceof AccessDeniedException) {
                return "permission denied: " + msg;
            }
            if (msg == null || msg.isBlank()) {
                return ex.getClass().getSimpleName()
                        + (ex.getCause() != null ? " (" + describe(ex.getCause()) + ")" : "");
            }
            return msg;
        }
    }

    /** The version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Steno.class.getPackage().getImplementationVersion();
            return new String[] {"steno " + (v == null ? "(development build)" : v),
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
