package dev.steno.jitsi.skynet;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The 60-byte header in front of every audio frame Jigasi sends: UTF-8 {@code "<participantId>|<lang>"} padded with
 * NUL (some clients pad with spaces; both are stripped).
 *
 * @param participantId the participant, never empty
 * @param language      the language code, or null when the header names none
 */
public record SkynetHeader(String participantId, String language) {
    /** Bytes of header in front of the PCM. */
    public static final int SIZE = 60;

    /**
     * Reads the header at the buffer's position (the position is not moved).
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static SkynetHeader parse(ByteBuffer frame) {
        if (frame.remaining() < SIZE) {
            throw new IllegalArgumentException("frame of " + frame.remaining() + " bytes is shorter than the "
                    + SIZE + "-byte header");
        }
        ByteBuffer bytes = frame.slice(frame.position(), SIZE);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("header is not UTF-8");
        }
        text = strip(text);
        int bar = text.indexOf('|');
        if (bar < 0) {
            throw new IllegalArgumentException("header '" + printable(text) + "' has no '|' between participant "
                    + "and language");
        }
        String participant = strip(text.substring(0, bar));
        String lang = strip(text.substring(bar + 1));
        if (participant.isEmpty()) {
            throw new IllegalArgumentException("header '" + printable(text) + "' names no participant");
        }
        return new SkynetHeader(participant, lang.isEmpty() ? null : lang);
    }

    /** The header bytes for a participant and language, NUL padded (for clients and tests). */
    public static byte[] encode(String participantId, String language) {
        byte[] text = (participantId + "|" + (language == null ? "" : language)).getBytes(StandardCharsets.UTF_8);
        if (text.length > SIZE) {
            throw new IllegalArgumentException("participant id and language exceed " + SIZE + " bytes");
        }
        byte[] header = new byte[SIZE];
        System.arraycopy(text, 0, header, 0, text.length);
        return header;
    }

    private static String strip(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && (s.charAt(a) == '\0' || Character.isWhitespace(s.charAt(a)))) {
            a++;
        }
        while (b > a && (s.charAt(b - 1) == '\0' || Character.isWhitespace(s.charAt(b - 1)))) {
            b--;
        }
        return s.substring(a, b);
    }

    private static String printable(String s) {
        return s.replaceAll("\\p{Cntrl}", "?");
    }
}
