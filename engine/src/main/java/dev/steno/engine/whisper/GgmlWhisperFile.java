package dev.steno.engine.whisper;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The index of a ggml Whisper model file (the legacy format whisper.cpp loads): hyper-parameters, mel filters,
 * vocabulary and where each tensor's data lies.
 *
 * <p>Opening reads only the headers (well under a megabyte even for large models); tensor data is mapped on demand
 * by {@link #tensorData}. Every length and dimension read from the file is checked against the file size and sane
 * limits before it is used, so a truncated or corrupt file fails here with a {@link GgmlFormatException} rather than
 * later in native code. The object holds no open file.
 */
public final class GgmlWhisperFile {
    /** The file magic, {@code 'ggml'} as a little-endian int (bytes {@code 6c 6d 67 67}). */
    public static final int MAGIC = 0x67676d6c;
    /** FFT bins of Whisper's 400-point FFT; whisper.cpp indexes its spectrum with the stored value. */
    public static final int WHISPER_N_FFT_BINS = 201;

    // Real vocabularies top out at 128 bytes a token and 48 a tensor name; far larger values mean corruption,
    // and native code would try to allocate them.
    static final int MAX_TOKEN_BYTES = 4096;
    static final int MAX_NAME_BYTES = 256;
    static final int MAX_DIMS = 4;
    private static final int HPARAM_COUNT = 11;

    private final Path path;
    private final long fileSize;
    private final WhisperHyperParams hparams;
    private final WhisperMelFilters melFilters;
    private final WhisperVocabulary vocabulary;
    private final long tensorSectionOffset;
    private final boolean headerOnly;
    private final Map<String, GgmlTensorInfo> tensors;

    private GgmlWhisperFile(Path path, long fileSize, WhisperHyperParams hparams, WhisperMelFilters melFilters,
                            WhisperVocabulary vocabulary, long tensorSectionOffset, boolean headerOnly,
                            Map<String, GgmlTensorInfo> tensors) {
        this.path = path;
        this.fileSize = fileSize;
        this.hparams = hparams;
        this.melFilters = melFilters;
        this.vocabulary = vocabulary;
        this.tensorSectionOffset = tensorSectionOffset;
        this.headerOnly = headerOnly;
        this.tensors = tensors;
    }

    /**
     * Reads and checks the whole file structure: headers and every tensor header, and that each tensor's data lies
     * inside the file with nothing left over. Does not check that the tensors are the ones the architecture needs;
     * call {@link #validateComplete()} for that.
     *
     * @throws GgmlFormatException if the file is not a well-formed ggml Whisper file
     * @throws IOException         if it cannot be read
     */
    public static GgmlWhisperFile open(Path path) throws IOException {
        return read(path, false);
    }

    /**
     * Reads and checks hyper-parameters, mel filters and vocabulary only, ignoring whatever follows them (the
     * vocabulary-only test files have no tensors). {@link #tensors()} is empty.
     *
     * @throws GgmlFormatException if the headers are malformed or truncated
     * @throws IOException         if the file cannot be read
     */
    public static GgmlWhisperFile readHeaderOnly(Path path) throws IOException {
        return read(path, true);
    }

    /**
     * Opens the file and checks that it is a complete model: {@link #open} followed by {@link #validateComplete()}.
     * This is the check to run before handing a file to whisper.cpp.
     *
     * @throws GgmlFormatException if the file is malformed, truncated or misses or misshapes a tensor
     * @throws IOException         if it cannot be read
     */
    public static GgmlWhisperFile openComplete(Path path) throws IOException {
        return open(path).validateComplete();
    }

    /**
     * Checks that the file holds exactly the tensors whisper.cpp expects for its hyper-parameters (see
     * {@link WhisperTensorLayout}), each with the expected shape and type.
     *
     * @return this file
     * @throws GgmlFormatException naming the missing, misshapen, mistyped or unexpected tensors
     */
    public GgmlWhisperFile validateComplete() throws GgmlFormatException {
        if (headerOnly) {
            throw new GgmlFormatException(path, "read with readHeaderOnly(); open() it to check its tensors");
        }
        if (tensors.isEmpty()) {
            throw new GgmlFormatException(path, "holds no tensors (a vocabulary-only file?): not a usable model");
        }
        List<String> problems = new ArrayList<>();
        List<WhisperTensorLayout.Expected> expected = WhisperTensorLayout.expected(hparams);
        Set<String> expectedNames = new HashSet<>();
        for (WhisperTensorLayout.Expected e : expected) {
            expectedNames.add(e.name());
            GgmlTensorInfo t = tensors.get(e.name());
            if (t == null) {
                problems.add("tensor '" + e.name() + "' is missing (expected " + e.type() + " "
                        + Arrays.toString(e.shape()) + ")");
            } else if (!Arrays.equals(t.shape(), e.shape())) {
                problems.add("tensor '" + e.name() + "' has shape " + Arrays.toString(t.shape()) + " but the "
                        + "hyper-parameters need " + Arrays.toString(e.shape()) + " (ggml order)");
            } else if (t.type() != e.type()) {
                problems.add("tensor '" + e.name() + "' has type " + t.type() + " but whisper.cpp expects "
                        + e.type() + " for ftype " + hparams.ftype());
            }
        }
        for (String name : tensors.keySet()) {
            if (!expectedNames.contains(name)) {
                problems.add("unexpected tensor '" + name + "' (whisper.cpp rejects unknown tensors)");
            }
        }
        if (!problems.isEmpty()) {
            int shown = Math.min(problems.size(), 5);
            String msg = String.join("; ", problems.subList(0, shown));
            if (problems.size() > shown) {
                msg += "; and " + (problems.size() - shown) + " more";
            }
            throw new GgmlFormatException(path, "not a complete Whisper " + hparams.sizeName() + " model: " + msg);
        }
        return this;
    }

    /** The file this index was read from. */
    public Path path() {
        return path;
    }

    /** The file's size in bytes when it was read. */
    public long fileSize() {
        return fileSize;
    }

    /** The hyper-parameters. */
    public WhisperHyperParams hparams() {
        return hparams;
    }

    /** The mel filterbank. */
    public WhisperMelFilters melFilters() {
        return melFilters;
    }

    /** The vocabulary. */
    public WhisperVocabulary vocabulary() {
        return vocabulary;
    }

    /** File offset where the tensor records start (just after the vocabulary). */
    public long tensorSectionOffset() {
        return tensorSectionOffset;
    }

    /** Whether this index was made by {@link #readHeaderOnly} and so lists no tensors. */
    public boolean headerOnly() {
        return headerOnly;
    }

    /** The tensors by name, in file order (unmodifiable). */
    public Map<String, GgmlTensorInfo> tensors() {
        return tensors;
    }

    /** The tensor called {@code name}, or {@code null}. */
    public GgmlTensorInfo tensor(String name) {
        return tensors.get(name);
    }

    /**
     * Maps one tensor's data read-only, little-endian. The mapping stays valid after the call (no file stays open);
     * it is released when the buffer is garbage collected.
     *
     * @throws IllegalArgumentException if {@code info} is not a tensor of this file, or is 2 GiB or larger
     * @throws IOException              if the file cannot be mapped, or has shrunk since it was read
     */
    public ByteBuffer tensorData(GgmlTensorInfo info) throws IOException {
        if (!info.equals(tensors.get(info.name()))) {
            throw new IllegalArgumentException("tensor " + info + " is not one of " + path);
        }
        if (info.dataBytes() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor '" + info.name() + "' is too large to map as one buffer");
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (info.dataOffset() + info.dataBytes() > size) {
                throw new GgmlFormatException(path, "truncated since it was opened: tensor '" + info.name()
                        + "' needs " + info.dataBytes() + " bytes at offset " + info.dataOffset()
                        + " but the file ends at " + size);
            }
            return ch.map(FileChannel.MapMode.READ_ONLY, info.dataOffset(), info.dataBytes())
                    .order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /**
     * Maps the whole file read-only into {@code arena}, so that tensors are read in place at their
     * {@link GgmlTensorInfo#dataOffset()}: no copy on the heap, pages loaded from the page cache as they are first
     * read and shared with every process that maps the same file. The mapping ends when the arena closes.
     *
     * @throws GgmlFormatException if the file has shrunk since it was read
     * @throws IOException         if it cannot be mapped
     */
    public MemorySegment map(Arena arena) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < fileSize) {
                throw new GgmlFormatException(path, "truncated since it was opened: " + size + " bytes, was "
                        + fileSize);
            }
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, fileSize, arena);
        }
    }

    private static GgmlWhisperFile read(Path path, boolean headerOnly) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "model file not found");
        }
        try (Reader r = new Reader(path)) {
            checkMagic(r);
            WhisperHyperParams hp = readHyperParams(r);
            WhisperMelFilters mel = readMelFilters(r, hp);
            WhisperVocabulary vocab = readVocabulary(r, hp);
            long tensorStart = r.pos;
            Map<String, GgmlTensorInfo> tensors = headerOnly ? Map.of() : readTensors(r);
            return new GgmlWhisperFile(path, r.size, hp, mel, vocab, tensorStart, headerOnly, tensors);
        }
    }

    private static void checkMagic(Reader r) throws IOException {
        if (r.size == 0) {
            throw r.fail("empty file (0 bytes): not a ggml Whisper model; the download or copy probably failed");
        }
        byte[] head = r.peek((int) Math.min(16, r.size));
        int magic = head.length >= 4 ? ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt() : 0;
        if (head.length < 4 || magic != MAGIC) {
            throw r.fail("starts with bytes " + HexFormat.ofDelimiter(" ").formatHex(head)
                    + ": not a ggml Whisper model (expected magic 0x67676d6c 'ggml')" + magicHint(head));
        }
        r.readInt("magic");
    }

    private static String magicHint(byte[] head) {
        String ascii = new String(head, StandardCharsets.ISO_8859_1);
        if (ascii.startsWith("GGUF")) {
            return "; it is a GGUF file, but whisper.cpp loads Whisper models only in the legacy ggml format "
                    + "(ggml-*.bin from whisper.cpp's model hosting)";
        }
        if (ascii.startsWith("PK")) {
            return "; it is a zip archive, probably a PyTorch checkpoint (.pt): convert it with whisper.cpp's "
                    + "models/convert-pt-to-ggml.py";
        }
        String trimmed = ascii.replaceFirst("^\u00ef\u00bb\u00bf", "").stripLeading();
        if (trimmed.startsWith("<")) {
            return "; it looks like an HTML or XML page, probably an error or login page saved by a failed download";
        }
        if (trimmed.startsWith("{")) {
            return "; it looks like JSON, probably an error response saved by a failed download";
        }
        if (ascii.startsWith("ggml")) {
            return "; the magic is byte-swapped (written big-endian?)";
        }
        return "";
    }

    private static WhisperHyperParams readHyperParams(Reader r) throws IOException {
        r.need(HPARAM_COUNT * 4L, "hyper-parameters");
        int[] v = new int[HPARAM_COUNT];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.readInt("hyper-parameters");
        }
        WhisperHyperParams hp = new WhisperHyperParams(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9],
                v[10]);
        String problem = hp.problem();
        if (problem != null) {
            throw r.fail("bad hyper-parameters " + hp + ": " + problem);
        }
        return hp;
    }

    private static WhisperMelFilters readMelFilters(Reader r, WhisperHyperParams hp) throws IOException {
        r.need(8, "mel filter header");
        int nMel = r.readInt("mel filter header");
        int nFft = r.readInt("mel filter header");
        if (nMel != hp.nMels()) {
            throw r.fail("mel filters have " + nMel + " bands but n_mels is " + hp.nMels());
        }
        if (nFft != WHISPER_N_FFT_BINS) {
            throw r.fail("mel filters span " + nFft + " FFT bins; Whisper's 400-point FFT has "
                    + WHISPER_N_FFT_BINS);
        }
        long offset = r.pos;
        float[] data = r.readFloats(nMel * nFft, "mel filters (" + nMel + " x " + nFft + " float32)");
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                throw r.fail("mel filter weight " + i + " at offset " + (offset + 4L * i) + " is " + data[i]);
            }
        }
        return new WhisperMelFilters(nMel, nFft, data);
    }

    private static WhisperVocabulary readVocabulary(Reader r, WhisperHyperParams hp) throws IOException {
        r.need(4, "vocabulary size");
        int n = r.readInt("vocabulary size");
        if (n <= 0 || n > hp.nVocab()) {
            throw r.fail("vocabulary lists " + n + " tokens; expected 1.." + hp.nVocab() + " (n_vocab)");
        }
        List<byte[]> tokens = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long at = r.pos;
            // the descriptions are built only on failure: formatting 150,000 of them cost a tenth of a cold load
            r.need(4, "length of token", i);
            int len = r.readInt("length of token", i);
            if (len < 0 || len > MAX_TOKEN_BYTES) {
                throw r.fail("token " + i + " at offset " + at + " claims " + Integer.toUnsignedString(len)
                        + " bytes (at most " + MAX_TOKEN_BYTES + " expected): corrupt vocabulary");
            }
            tokens.add(r.readBytes(len, "token", i));
        }
        return new WhisperVocabulary(tokens, hp.nVocab());
    }

    private static Map<String, GgmlTensorInfo> readTensors(Reader r) throws IOException {
        Map<String, GgmlTensorInfo> out = new LinkedHashMap<>();
        int index = 0;
        while (r.pos < r.size) {
            long at = r.pos;
            String what = "header of tensor #" + index + " (after '" + lastName(out) + "')";
            r.need(12, what);
            int nDims = r.readInt(what);
            int nameLen = r.readInt(what);
            int typeId = r.readInt(what);
            String where = "tensor #" + index + " at offset " + at;
            if (nDims < 1 || nDims > MAX_DIMS) {
                throw r.fail(where + " has " + nDims + " dimensions (ggml allows 1.." + MAX_DIMS + "): corrupt "
                        + "tensor header");
            }
            if (nameLen < 1 || nameLen > MAX_NAME_BYTES) {
                throw r.fail(where + " has a " + nameLen + "-byte name (1.." + MAX_NAME_BYTES + " expected): "
                        + "corrupt tensor header");
            }
            long[] ne = new long[nDims];
            r.need(4L * nDims, "dimensions of " + where);
            for (int d = 0; d < nDims; d++) {
                ne[d] = r.readInt("dimensions of " + where);
            }
            byte[] nameBytes = r.readBytes(nameLen, "name of " + where);
            String name = tensorName(r, nameBytes, where);
            GgmlType type = GgmlType.byId(typeId);
            if (type == null) {
                throw r.fail("tensor '" + name + "' at offset " + at + " has unknown type id " + typeId
                        + " (known: " + Arrays.toString(GgmlType.values()) + ")");
            }
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                if (ne[d] < 1) {
                    throw r.fail("tensor '" + name + "' at offset " + at + " has dimension ne[" + d + "] = "
                            + ne[d] + ": corrupt tensor header");
                }
                // No type packs 8 values into a byte, so more values than that could never fit in the file;
                // dividing first keeps the product from overflowing.
                if (elements > 8 * r.size / ne[d]) {
                    throw r.fail("tensor '" + name + "' at offset " + at + " has absurd shape "
                            + Arrays.toString(ne) + " for a " + r.size + "-byte file: corrupt tensor header");
                }
                elements *= ne[d];
            }
            if (ne[0] % type.blockSize() != 0) {
                throw r.fail("tensor '" + name + "' has rows of " + ne[0] + " values, not a multiple of the "
                        + type + " block size " + type.blockSize());
            }
            if (out.containsKey(name)) {
                throw r.fail("tensor '" + name + "' appears twice (again at offset " + at + ")");
            }
            long bytes = type.bytesFor(elements);
            r.need(bytes, "tensor '" + name + "'");
            out.put(name, new GgmlTensorInfo(name, type, ne, r.pos, bytes));
            r.skip(bytes);
            index++;
        }
        return Collections.unmodifiableMap(out);
    }

    private static String lastName(Map<String, GgmlTensorInfo> tensors) {
        String last = "start of tensors";
        for (String k : tensors.keySet()) {
            last = k;
        }
        return last;
    }

    private static String tensorName(Reader r, byte[] bytes, String where) throws GgmlFormatException {
        for (byte b : bytes) {
            if (b < 0x21 || b > 0x7e) {
                throw r.fail(where + " has a name with byte 0x" + HexFormat.of().toHexDigits(b)
                        + " (names are printable ASCII): corrupt tensor header, name bytes "
                        + HexFormat.ofDelimiter(" ").formatHex(bytes, 0, Math.min(bytes.length, 32)));
            }
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** Sequential little-endian reading with bounds checked against the file size before every read. */
    private static final class Reader implements AutoCloseable {
        final Path path;
        final FileChannel ch;
        final long size;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        private long bufStart;
        long pos;

        Reader(Path path) throws IOException {
            this.path = path;
            this.ch = FileChannel.open(path, StandardOpenOption.READ);
            this.size = ch.size();
            buf.limit(0);
        }

        GgmlFormatException fail(String problem) {
            return new GgmlFormatException(path, problem);
        }

        void need(long n, String what) throws GgmlFormatException {
            if (n > size - pos) {
                throw fail("truncated: " + what + " needs " + n + " bytes at offset " + pos
                        + " but the file ends at " + size);
            }
        }

        byte[] peek(int n) throws IOException {
            byte[] out = new byte[n];
            ByteBuffer b = ByteBuffer.wrap(out);
            while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
                // a short read of a local file just continues
            }
            return out;
        }

        /** Makes {@code n <= buf.capacity()} bytes from {@link #pos} available in {@link #buf}. */
        private void fill(int n, String what) throws IOException {
            need(n, what);
            if (buffered(n)) {
                return;
            }
            buf.clear();
            bufStart = pos;
            while (buf.position() < n) {
                int read = ch.read(buf, bufStart + buf.position());
                if (read < 0) {
                    throw fail("truncated while reading (the file shrank?): " + what + " at offset " + pos);
                }
            }
            buf.flip();
        }

        /** {@link #need(long, String)} for the {@code index}-th of a list: "what index" in a failure. */
        void need(long n, String what, int index) throws GgmlFormatException {
            if (n > size - pos) {
                need(n, what + " " + index);
            }
        }

        /** {@link #readInt(String)} for the {@code index}-th of a list. */
        int readInt(String what, int index) throws IOException {
            if (4 > size - pos || !buffered(4)) {
                return readInt(what + " " + index);
            }
            int v = buf.getInt();
            pos += 4;
            return v;
        }

        /** {@link #readBytes(int, String)} for the {@code index}-th of a list. */
        byte[] readBytes(int n, String what, int index) throws IOException {
            if (n > size - pos || !buffered(n)) {
                return readBytes(n, what + " " + index);
            }
            byte[] out = new byte[n];
            buf.get(out);
            pos += n;
            return out;
        }

        /** Whether {@code n} bytes from {@link #pos} are in {@link #buf}; if so, positions it there. */
        private boolean buffered(int n) {
            long end = bufStart + buf.limit();
            if (pos >= bufStart && pos + n <= end) {
                buf.position((int) (pos - bufStart));
                return true;
            }
            return false;
        }

        int readInt(String what) throws IOException {
            fill(4, what);
            int v = buf.getInt();
            pos += 4;
            return v;
        }

        byte[] readBytes(int n, String what) throws IOException {
            fill(n, what);
            byte[] out = new byte[n];
            buf.get(out);
            pos += n;
            return out;
        }

        float[] readFloats(int n, String what) throws IOException {
            need(4L * n, what);
            float[] out = new float[n];
            int done = 0;
            while (done < n) {
                int chunk = Math.min(n - done, buf.capacity() / 4);
                fill(chunk * 4, what);
                buf.asFloatBuffer().get(out, done, chunk);
                pos += 4L * chunk;
                done += chunk;
            }
            return out;
        }

        void skip(long n) {
            pos += n;
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
