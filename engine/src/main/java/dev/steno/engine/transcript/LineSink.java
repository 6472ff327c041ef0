package dev.steno.engine.transcript;

/** Where sources of live text publish each line once it is committed. Must not block the caller. */
@FunctionalInterface
public interface LineSink {
    /** A sink that drops every line: no webhooks configured. */
    LineSink NONE = line -> { };

    /** A line was committed; called once per line, from the session's inference thread. */
    void committed(LineEvent line);
}
