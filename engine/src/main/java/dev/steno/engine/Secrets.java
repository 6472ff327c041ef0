package dev.steno.engine;

/**
 * How settings that hold secrets show themselves in logs, messages and {@code toString()}: the secret never, only
 * whether one is set. Records print every component by default, so each settings record with a token, password or
 * key overrides {@code toString()} through these.
 */
public final class Secrets {
    private Secrets() {
    }

    /** {@code "<hidden>"} for a secret that is set, {@code "null"} for none. */
    public static String mask(Object secret) {
        return secret == null ? "null" : "<hidden>";
    }

    /**
     * A URL as it may be shown: without its query or {@code ;} parameters (where tokens, passwords and keys travel:
     * {@code ?token=}, JDBC {@code ?password=}, YouTube's {@code ?cid=}) and without user info ({@code //user:pw@}).
     */
    public static String withoutQuery(Object url) {
        if (url == null) {
            return "null";
        }
        return url.toString().replaceFirst("[?;].*", "?<hidden>").replaceFirst("//[^/@]*@", "//<hidden>@");
    }
}
