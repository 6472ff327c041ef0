package dev.steno.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A {@code steno} command line from a deployment file (container args, a Dockerfile's CMD) parsed by the real
 * command, as the launcher would run it: a flag the server does not have, or a bad value, fails the parse.
 *
 * @param argv    the command line as written
 * @param spec    {@code steno serve}'s parsed options
 * @param drainAsWritten the {@value DrainContract#DRAIN_FLAG} value as written, or null; before the drain is merged
 *                the flag is taken out of the parse and kept here
 */
record ServeFlags(List<String> argv, CommandSpec spec, String drainAsWritten) {
    /** {@code steno serve}'s options, as picocli defines them. */
    static CommandSpec serveSpec() {
        return new CommandLine(new ServeCommand()).getCommandSpec();
    }

    /** Parses {@code argv} (starting with {@code serve}) with the {@code steno} command. */
    static ServeFlags parse(List<String> argv) {
        List<String> args = new ArrayList<>(argv);
        String drain = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith(DrainContract.DRAIN_FLAG + "=")) {
                drain = a.substring(DrainContract.DRAIN_FLAG.length() + 1);
            } else if (a.equals(DrainContract.DRAIN_FLAG) && i + 1 < args.size()) {
                drain = args.get(i + 1);
            }
        }
        if (!DrainContract.landed()) {
            args = withoutDrainFlag(args);
        }
        CommandLine.ParseResult parsed = new CommandLine(new Steno()).parseArgs(args.toArray(String[]::new));
        if (!parsed.hasSubcommand() || !parsed.subcommand().commandSpec().name().equals("serve")) {
            throw new AssertionError("not a steno serve command line: " + argv);
        }
        return new ServeFlags(List.copyOf(argv), parsed.subcommand().commandSpec(), drain);
    }

    private static List<String> withoutDrainFlag(List<String> args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals(DrainContract.DRAIN_FLAG)) {
                i++;
            } else if (!a.startsWith(DrainContract.DRAIN_FLAG + "=")) {
                out.add(a);
            }
        }
        return out;
    }

    /** The parsed command. */
    ServeCommand command() {
        return (ServeCommand) spec.userObject();
    }

    /** The parsed value of an option, its default when not given. */
    Object value(String flag) {
        OptionSpec option = spec.findOption(flag);
        if (option == null) {
            throw new AssertionError("steno serve has no " + flag);
        }
        return option.getValue();
    }

    /**
     * How long this server drains when stopped, in seconds: the parsed {@value DrainContract#DRAIN_FLAG} once the
     * drain is merged; before, the value as written, else the contract's default.
     */
    double drainSeconds() {
        if (!DrainContract.landed()) {
            return drainAsWritten == null ? DrainContract.DEFAULT_DRAIN_SECONDS : Double.parseDouble(drainAsWritten);
        }
        Object v = value(DrainContract.DRAIN_FLAG);
        return v instanceof Duration d ? d.toMillis() / 1000.0 : Double.parseDouble(String.valueOf(v));
    }
}
