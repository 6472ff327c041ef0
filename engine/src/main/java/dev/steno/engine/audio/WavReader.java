package dev.steno.engine.audio;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Decodes RIFF/WAVE files to mono {@link PcmAudio}.
 *
 * <p>Supported: integer PCM of 8 (unsigned), 16, 24 and 32 bits, IEEE float of 32 and 64 bits, both plain and as
 * {@code WAVE_FORMAT_EXTENSIBLE} with the PCM or float sub-format; any channel count (averaged to mono) and any sample
 * rate (kept; convert with {@link Resampler}). {@code RF64} files are read like RIFF ones: their 64-bit sizes live in
 * a {@code ds64} chunk that is skipped, and their {@code data} size of 0xFFFFFFFF means "to the end of the stream".
 *
 * <p>Tolerated, because real writers produce them: unknown chunks anywhere before {@code data} (skipped, with the pad
 * byte after an odd-sized chunk), a wrong RIFF size, a {@code data} size of 0 or 0xFFFFFFFF (written by recorders that
 * stream and never seek back; the samples run to the end of the stream), and a {@code data} chunk shorter than
 * declared, as left by a recorder that was killed: the frames present are returned. That last leniency stops at frame
 * boundaries: data that ends inside a frame is rejected, since a partial frame means either damage or a block size
 * that does not describe the data, and guessing would return wrong samples. A file that ends before its {@code data}
 * chunk starts is always an error.
 *
 * <p>Float samples outside [-1, 1] are clipped and NaN becomes 0, so that every decoded clip meets the
 * {@link PcmAudio} range without the caller checking.
 */
public final class WavReader {
    private static final int FORMAT_PCM = 0x0001;
    private static final int FORMAT_FLOAT = 0x0003;
    private static final int FORMAT_EXTENSIBLE = 0xFFFE;
    /** KSDATAFORMAT_SUBTYPE_* GUIDs share these bytes after their two-byte format code. */
    private static final byte[] GUID_TAIL = HexFormat.of().parseHex("000000001000800000aa00389b71");
    private static final long UNKNOWN_SIZE = 0xFFFFFFFFL;

    private WavReader() {
    }

    /** Reads the WAV file at {@code path}; messages name the file. */
    public static PcmAudio read(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, path.toString());
        }
    }

    /**
     * Reads a WAV stream to its {@code data} chunk's end (or the stream's end for streamed WAVs). The stream is not
     * closed; unless it is a {@link BufferedInputStream}, it is buffered here and may be read past the WAV's end.
     *
     * @param in         the WAV bytes, from the 'RIFF' magic on
     * @param sourceName how messages refer to the stream, such as a file name or "upload"
     * @throws AudioFormatException the stream is not a WAV this reader supports, or is damaged; the message says how
     */
    public static PcmAudio read(InputStream in, String sourceName) throws IOException {
        return new Parser(in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 65536), sourceName)
                .parse();
    }

    private record Format(int code, int channels, int sampleRate, int blockAlign, int bits, boolean isFloat) {
        int bytesPerSample() {
            return bits / 8;
        }
    }

    private static final class Parser {
        private final InputStream in;
        private final String source;
        private long offset;

        Parser(InputStream in, String source) {
            this.in = in;
            this.source = source;
        }

        PcmAudio parse() throws IOException {
            byte[] riff = in.readNBytes(12);
            if (riff.length == 0) {
                throw error("empty file: no bytes to read, expected a WAV file starting with 'RIFF'");
            }
            String magic = fourCc(riff, 0, Math.min(4, riff.length));
            if (!magic.equals("RIFF") && !magic.equals("RF64")) {
                throw error("not a WAV file: expected 'RIFF' at offset 0, found " + describeBytes(riff)
                        + sniff(riff));
            }
            if (riff.length < 12) {
                throw error("truncated header: the file is " + riff.length
                        + " bytes long, too short for a RIFF header (12 bytes)");
            }
            String wave = fourCc(riff, 8, 4);
            if (!wave.equals("WAVE")) {
                throw error("not a WAV file: RIFF form type at offset 8 is '" + printable(wave)
                        + "', expected 'WAVE' (RIFF is also used by AVI and WebP)");
            }
            offset = 12;
            Format format = null;
            while (true) {
                long chunkStart = offset;
                byte[] header = in.readNBytes(8);
                offset += header.length;
                if (header.length < 8) {
                    if (format == null) {
                        throw error(header.length == 0
                                ? "missing 'fmt ' chunk: the file ends at offset " + chunkStart
                                        + " without describing its sample format"
                                : "truncated header: the file ends at offset " + offset + " inside a chunk header");
                    }
                    throw error(header.length == 0
                            ? "missing 'data' chunk: the file ends at offset " + chunkStart + " without audio data"
                            : "truncated header: the file ends at offset " + offset
                                    + " inside a chunk header, before the 'data' chunk");
                }
                String id = fourCc(header, 0, 4);
                long size = ByteBuffer.wrap(header, 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
                switch (id) {
                    case "fmt " -> {
                        byte[] body = readChunkBody(id, chunkStart, size);
                        format = parseFormat(body, chunkStart);
                        skipPad(size);
                    }
                    case "data" -> {
                        if (format == null) {
                            throw error("missing 'fmt ' chunk: the 'data' chunk at offset " + chunkStart
                                    + " comes before any 'fmt ' chunk, so its sample format is unknown");
                        }
                        return readData(format, size, chunkStart);
                    }
                    default -> {
                        long skipped = skip(size + (size & 1));
                        offset += skipped;
                        if (skipped < size) {
                            throw error("truncated header: the file ends at offset " + offset + " inside the '"
                                    + printable(id) + "' chunk that starts at offset " + chunkStart + " and declares "
                                    + size + " bytes, before the 'data' chunk");
                        }
                    }
                }
            }
        }

        private byte[] readChunkBody(String id, long chunkStart, long size) throws IOException {
            if (size > 1 << 20) {
                throw error("'" + id + "' chunk at offset " + chunkStart + " declares " + size
                        + " bytes, implausibly large for a format description; the header is damaged");
            }
            byte[] body = in.readNBytes((int) size);
            offset += body.length;
            if (body.length < size) {
                throw error("truncated header: the file ends at offset " + offset + " inside the '" + id
                        + "' chunk that starts at offset " + chunkStart + " and declares " + size + " bytes");
            }
            return body;
        }

        /** Skips up to {@code n} bytes and says how many there were; {@code skipNBytes} would hide where EOF was. */
        private long skip(long n) throws IOException {
            long done = 0;
            while (done < n) {
                long k = in.skip(n - done);
                if (k <= 0) {
                    if (in.read() < 0) {
                        break;
                    }
                    k = 1;
                }
                done += k;
            }
            return done;
        }

        private void skipPad(long size) throws IOException {
            if ((size & 1) != 0 && in.read() >= 0) {
                offset++;
            }
        }

        private Format parseFormat(byte[] body, long chunkStart) throws AudioFormatException {
            if (body.length < 16) {
                throw error("'fmt ' chunk at offset " + chunkStart + " is " + body.length
                        + " bytes long, expected at least 16");
            }
            ByteBuffer b = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
            int code = b.getShort(0) & 0xFFFF;
            int channels = b.getShort(2) & 0xFFFF;
            long rate = b.getInt(4) & 0xFFFFFFFFL;
            int blockAlign = b.getShort(12) & 0xFFFF;
            int bits = b.getShort(14) & 0xFFFF;
            int effective = code;
            if (code == FORMAT_EXTENSIBLE) {
                if (body.length < 40) {
                    throw error("'fmt ' chunk declares WAVE_FORMAT_EXTENSIBLE (0xFFFE) but is " + body.length
                            + " bytes long, expected 40 with the sub-format GUID");
                }
                effective = b.getShort(24) & 0xFFFF;
                if (!Arrays.equals(body, 26, 40, GUID_TAIL, 0, GUID_TAIL.length)) {
                    throw error("WAVE_FORMAT_EXTENSIBLE sub-format GUID "
                            + HexFormat.of().formatHex(body, 24, 40)
                            + " is not a standard audio sub-format; only PCM and IEEE float are supported");
                }
            }
            String where = code == FORMAT_EXTENSIBLE ? " (sub-format of WAVE_FORMAT_EXTENSIBLE)" : "";
            boolean isFloat;
            if (effective == FORMAT_PCM) {
                if (bits != 8 && bits != 16 && bits != 24 && bits != 32) {
                    throw error(bits + "-bit integer PCM is not supported; supported sizes are 8, 16, 24 and 32");
                }
                isFloat = false;
            } else if (effective == FORMAT_FLOAT) {
                if (bits != 32 && bits != 64) {
                    throw error(bits + "-bit IEEE float is not supported; supported sizes are 32 and 64");
                }
                isFloat = true;
            } else {
                throw error(String.format(Locale.ROOT,
                        "WAV format code 0x%04X%s%s is not supported; convert to PCM or float WAV",
                        effective, formatName(effective), where));
            }
            if (channels == 0) {
                throw error("'fmt ' chunk declares 0 channels");
            }
            if (rate == 0 || rate > Integer.MAX_VALUE) {
                throw error("'fmt ' chunk declares an invalid sample rate of " + rate + " Hz");
            }
            int expectedAlign = channels * (bits / 8);
            if (blockAlign != expectedAlign) {
                throw error("'fmt ' chunk declares a block size of " + blockAlign + " bytes, but " + channels
                        + " channel(s) of " + bits + "-bit samples need " + expectedAlign);
            }
            return new Format(effective, channels, (int) rate, blockAlign, bits, isFloat);
        }

        private PcmAudio readData(Format f, long size, long chunkStart) throws IOException {
            byte[] data;
            if (size == 0 || size == UNKNOWN_SIZE) {
                data = in.readAllBytes();
            } else {
                if (size > Integer.MAX_VALUE - 16) {
                    throw error("'data' chunk declares " + size + " bytes; WAVs over 2 GiB are not supported");
                }
                data = in.readNBytes((int) size);
            }
            if (data.length % f.blockAlign() != 0) {
                throw error("truncated data: the 'data' chunk at offset " + chunkStart + " ends inside a frame ("
                        + data.length + " bytes is not a multiple of the " + f.blockAlign() + "-byte frame size)"
                        + (size == 0 || size == UNKNOWN_SIZE ? "" : "; it declares " + size + " bytes"));
            }
            return new PcmAudio(decode(data, f), f.sampleRate());
        }

        private AudioFormatException error(String message) {
            return new AudioFormatException(source + ": " + message);
        }
    }

    private static float[] decode(byte[] data, Format f) {
        int channels = f.channels();
        int frames = data.length / f.blockAlign();
        float[] out = new float[frames];
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int step = f.bytesPerSample();
        // Summing first and scaling once keeps the mono case exact (scale 1) and costs one multiply per frame.
        float scale = 1f / channels;
        int pos = 0;
        for (int i = 0; i < frames; i++) {
            float sum = 0;
            for (int c = 0; c < channels; c++, pos += step) {
                sum += sample(b, pos, f);
            }
            out[i] = sum * scale;
        }
        return out;
    }

    private static float sample(ByteBuffer b, int pos, Format f) {
        if (f.isFloat()) {
            double v = f.bits() == 32 ? b.getFloat(pos) : b.getDouble(pos);
            return v != v ? 0f : (float) Math.max(-1.0, Math.min(1.0, v));
        }
        return switch (f.bits()) {
            case 8 -> ((b.get(pos) & 0xFF) - 128) * (1f / 128);
            case 16 -> b.getShort(pos) * (1f / 32768);
            case 24 -> (((b.get(pos + 2)) << 16) | ((b.get(pos + 1) & 0xFF) << 8) | (b.get(pos) & 0xFF))
                    * (1f / 8388608);
            default -> (float) (b.getInt(pos) * (1.0 / 2147483648.0));
        };
    }

    private static String formatName(int code) {
        String name = switch (code) {
            case 0x0002 -> "Microsoft ADPCM";
            case 0x0006 -> "A-law";
            case 0x0007 -> "mu-law";
            case 0x0011 -> "IMA ADPCM";
            case 0x0031 -> "GSM 6.10";
            case 0x0050 -> "MPEG";
            case 0x0055 -> "MP3";
            case 0x00FF, 0x1610 -> "AAC";
            case 0x0161, 0x0162, 0x0163 -> "Windows Media Audio";
            case 0x674F, 0x6750, 0x6751 -> "Vorbis";
            case 0x704F -> "Opus";
            case 0xF1AC -> "FLAC";
            default -> null;
        };
        return name == null ? "" : " (" + name + ")";
    }

    private static String fourCc(byte[] bytes, int from, int length) {
        return new String(bytes, from, length, StandardCharsets.ISO_8859_1);
    }

    /** Shows magic bytes both as text and hex, since a wrong file is recognised by either. */
    private static String describeBytes(byte[] bytes) {
        int n = Math.min(4, bytes.length);
        String hex = HexFormat.ofDelimiter(" ").formatHex(bytes, 0, n);
        return "'" + printable(fourCc(bytes, 0, n)) + "' (bytes " + hex + ")";
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c >= 0x20 && c < 0x7F) {
                sb.append(c);
            } else {
                sb.append(String.format(Locale.ROOT, "\\x%02X", (int) c));
            }
        }
        return sb.toString();
    }

    /** Names the format a non-WAV file probably is, since "not a WAV file" alone leaves users guessing. */
    private static String sniff(byte[] b) {
        String s = fourCc(b, 0, b.length);
        if (s.startsWith("ID3")) {
            return "; this looks like an MP3 file (ID3 tag): convert it to WAV first";
        }
        if (b.length >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xE0) == 0xE0) {
            return "; this looks like MPEG audio (MP3 or AAC): convert it to WAV first";
        }
        if (s.startsWith("OggS")) {
            return "; this looks like an Ogg file (Opus or Vorbis): convert it to WAV first";
        }
        if (s.startsWith("fLaC")) {
            return "; this looks like a FLAC file: convert it to WAV first";
        }
        if (b.length >= 4 && (b[0] & 0xFF) == 0x1A && (b[1] & 0xFF) == 0x45 && (b[2] & 0xFF) == 0xDF
                && (b[3] & 0xFF) == 0xA3) {
            return "; this looks like a WebM/Matroska file: convert it to WAV first";
        }
        if (s.startsWith("RIFX")) {
            return "; this is a big-endian RIFF file, which is not supported";
        }
        if (s.startsWith("FORM")) {
            return "; this looks like an AIFF file: convert it to WAV first";
        }
        boolean text = true;
        for (byte x : b) {
            int c = x & 0xFF;
            text &= c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c != 0x7F);
        }
        return text ? "; this looks like a text file" : "";
    }
}
