package dev.steno.engine.model;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelStoreTest {
    private static final String FILE = "ggml-test.bin";
    private static final int SIZE = 3 * 1024 * 1024 + 12_345;

    @TempDir
    Path dir;

    private TestModelServer server;
    private byte[] data;
    private Recorder recorder;

    @BeforeEach
    void setUp() throws IOException {
        data = new byte[SIZE];
        new Random(42).nextBytes(data);
        server = new TestModelServer();
        server.put(FILE, data);
        recorder = new Recorder();
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private ModelStore store() {
        return new ModelStore(dir, server.baseUrl(), ModelStore.defaultHttpClient(), recorder);
    }

    private static WhisperModel model(String sha, long size) {
        return new WhisperModel("test", FILE, Optional.ofNullable(sha),
                size > 0 ? OptionalLong.of(size) : OptionalLong.empty(), false, 80, "test model");
    }

    private WhisperModel verifiedModel() {
        return model(TestModelServer.sha256(data), data.length);
    }

    @Test
    void downloadChecksFileAndReportsMonotonicProgressUpToTotal() throws IOException {
        ModelStore store = store();
        WhisperModel m = verifiedModel();

        Path path = store.download(m);

        assertEquals(dir.resolve(FILE), path);
        assertArrayEquals(data, Files.readAllBytes(path));
        assertFalse(Files.exists(store.partPathOf(m)), "no .part file is left behind");
        assertEquals(List.of((long) SIZE), recorder.startedTotals);
        assertTrue(recorder.progress.size() > 2, "progress is reported while streaming");
        for (int i = 1; i < recorder.progress.size(); i++) {
            assertTrue(recorder.progress.get(i)[0] >= recorder.progress.get(i - 1)[0], "progress never goes back");
            assertEquals(SIZE, recorder.progress.get(i)[1]);
        }
        assertEquals(SIZE, recorder.progress.getLast()[0]);
        assertEquals(List.of(path), recorder.finishedPaths);
        assertEquals(List.of(TestModelServer.sha256(data)), recorder.finishedShas);
        assertEquals(Optional.of(path), store.find(m));
    }

    @Test
    void ensureUsesTheCachedFileWithoutContactingTheServer() throws IOException {
        ModelStore store = store();
        WhisperModel m = verifiedModel();
        assertEquals(Optional.empty(), store.find(m));
        Path first = store.ensure(m);
        int requests = server.requests();

        Path second = store.ensure(m);

        assertEquals(first, second);
        assertEquals(requests, server.requests());
    }

    @Test
    void findIgnoresACachedFileOfTheWrongSize() throws IOException {
        ModelStore store = store();
        WhisperModel m = verifiedModel();
        Files.createDirectories(dir);
        Files.write(store.pathOf(m), Arrays.copyOf(data, 1000));

        assertEquals(Optional.empty(), store.find(m));
        assertArrayEquals(data, Files.readAllBytes(store.ensure(m)), "ensure replaces the truncated file");
    }

    @Test
    void checksumMismatchIsRejectedAndLeavesNoFile() {
        ModelStore store = store();
        String wrong = TestModelServer.sha256("something else".getBytes());
        WhisperModel m = model(wrong, 0);

        ModelDownloadException e = assertThrows(ModelDownloadException.class, () -> store.download(m));

        assertTrue(e.getMessage().contains(wrong), e.getMessage());
        assertTrue(e.getMessage().contains(TestModelServer.sha256(data)), e.getMessage());
        assertFalse(Files.exists(store.pathOf(m)));
        assertFalse(Files.exists(store.partPathOf(m)));
        assertEquals(1, recorder.failures.size());
        assertTrue(recorder.finishedPaths.isEmpty());
    }

    @Test
    void sizeMismatchIsRejected() {
        ModelStore store = store();
        WhisperModel m = model(null, SIZE + 1);

        ModelDownloadException e = assertThrows(ModelDownloadException.class, () -> store.download(m));

        assertTrue(e.getMessage().contains("expected " + (SIZE + 1) + " bytes, got " + SIZE), e.getMessage());
        assertFalse(Files.exists(store.pathOf(m)));
        assertFalse(Files.exists(store.partPathOf(m)));
    }

    @Test
    void modelWithoutChecksumIsAcceptedAndItsComputedChecksumReported() throws IOException {
        ModelStore store = store();
        WhisperModel m = model(null, 0);

        Path path = store.download(m);

        assertArrayEquals(data, Files.readAllBytes(path));
        assertEquals(List.of(TestModelServer.sha256(data)), recorder.finishedShas);
    }

    @Test
    void resumeFetchesOnlyTheMissingBytesWhenTheServerHonoursRange() throws IOException {
        ModelStore store = store();
        WhisperModel m = verifiedModel();
        int half = SIZE / 2;
        Files.write(store.partPathOf(m), Arrays.copyOf(data, half));

        Path path = store.download(m);

        assertArrayEquals(data, Files.readAllBytes(path));
        assertEquals(List.of("bytes=" + half + "-"), server.rangeHeaders());
        assertEquals(SIZE - half, server.bytesServed());
        assertEquals(half, recorder.progress.getFirst()[0], "progress starts from the resumed position");
        assertEquals(SIZE, recorder.progress.getLast()[0]);
        assertFalse(Files.exists(store.partPathOf(m)));
    }

    @Test
    void serverIgnoringRangeGetsACleanRestart() throws IOException {
        ModelStore store = store();
        WhisperModel m = verifiedModel();
        server.honourRange(false);
        // Garbage, not a prefix of the file: appending to it would fail the checksum.
        byte[] stale = new byte[SIZE / 2];
        Arrays.fill(stale, (byte) 7);
        Files.write(store.partPathOf(m), stale);

        Path path = store.download(m);

        assertArrayEquals(data, Files.readAllBytes(path));
        assertEquals(List.of("bytes=" + stale.length + "-"), server.rangeHeaders(), "a resume was attempted");
        assertEquals(SIZE, server.bytesServed());
    }

    @Test
    void brokenTransferKeepsThePartFileAndTheNextAttemptResumes() throws IOException {
        ModelStore store = store();
        WhisperModel m = verifiedModel();
        server.breakNextAfter(1_000_000);

        ModelDownloadException e = assertThrows(ModelDownloadException.class, () -> store.download(m));
        assertTrue(e.getMessage().contains("resumes"), e.getMessage());
        long kept = Files.size(store.partPathOf(m));
        assertTrue(kept > 0 && kept <= 1_000_000, "kept " + kept);
        assertFalse(Files.exists(store.pathOf(m)));
        assertEquals(1, recorder.failures.size());

        Path path = store.download(m);

        assertArrayEquals(data, Files.readAllBytes(path));
        assertEquals("bytes=" + kept + "-", server.rangeHeaders().getLast());
    }

    @Test
    void completePartFileIsInstalledWhenTheServerSaysNothingIsLeft() throws IOException {
        ModelStore store = store();
        WhisperModel m = verifiedModel();
        Files.write(store.partPathOf(m), data);

        Path path = store.download(m);

        assertArrayEquals(data, Files.readAllBytes(path));
        assertEquals(0, server.bytesServed());
    }

    @Test
    void redirectsAreFollowed() throws IOException {
        ModelStore store = store().withBaseUrl(server.redirectingBaseUrl());
        Path path = store.download(verifiedModel());
        assertArrayEquals(data, Files.readAllBytes(path));
    }

    @Test
    void httpErrorNamesTheUrlAndStatus() {
        ModelStore store = store();
        WhisperModel missing = new WhisperModel("nope", "ggml-nope.bin", Optional.empty(), OptionalLong.empty(),
                false, 80, "not on the server");

        ModelDownloadException e = assertThrows(ModelDownloadException.class, () -> store.download(missing));

        assertTrue(e.getMessage().contains(server.baseUrl() + "ggml-nope.bin"), e.getMessage());
        assertTrue(e.getMessage().contains("404"), e.getMessage());
        assertFalse(Files.exists(store.pathOf(missing)));
        assertFalse(Files.exists(store.partPathOf(missing)));
    }

    @Test
    void offlineFailureSaysWhereToPlaceTheFile() throws IOException {
        URI dead = URI.create("http://127.0.0.1:" + TestModelServer.closedPort() + "/models/");
        ModelStore store = new ModelStore(dir.resolve("cache"), dead, ModelStore.defaultHttpClient(), recorder);
        WhisperModel m = verifiedModel();

        ModelDownloadException e = assertThrows(ModelDownloadException.class, () -> store.download(m));

        String msg = e.getMessage();
        assertTrue(msg.contains("'test'"), msg);
        assertTrue(msg.contains(dead + FILE), msg);
        assertTrue(msg.contains("place the file " + FILE + " at " + store.pathOf(m)), msg);
        assertTrue(msg.contains("--model-path /path/to/" + FILE), msg);
        assertFalse(Files.exists(store.partPathOf(m)), "a failed connection leaves no empty .part");
        assertTrue(recorder.startedTotals.isEmpty());
    }

    @Test
    void secondConcurrentDownloadOfTheSameModelFailsFast() throws IOException {
        ModelStore store = store();
        WhisperModel m = verifiedModel();
        Files.createDirectories(dir);
        try (FileChannel ch = FileChannel.open(store.partPathOf(m), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
             FileLock lock = ch.lock()) {
            assertTrue(lock.isValid());
            ModelDownloadException e = assertThrows(ModelDownloadException.class, () -> store.download(m));
            assertTrue(e.getMessage().contains("already running"), e.getMessage());
        }
        assertEquals(0, server.requests());
    }

    @Test
    void pathsAndUrls() {
        ModelStore store = new ModelStore(dir, URI.create("https://mirror.example/whisper"),
                ModelStore.defaultHttpClient(), DownloadListener.NONE);
        WhisperModel tiny = ModelCatalog.require("tiny.en");
        assertEquals(dir.resolve("ggml-tiny.en.bin"), store.pathOf(tiny));
        assertEquals(dir.resolve("ggml-tiny.en.bin.part"), store.partPathOf(tiny));
        assertEquals(URI.create("https://mirror.example/whisper/ggml-tiny.en.bin"), store.urlOf(tiny));
        assertEquals(URI.create("https://huggingface.co/ggerganov/whisper.cpp/resolve/main/ggml-tiny.en.bin"),
                store.withBaseUrl(ModelCatalog.DEFAULT_BASE_URL).urlOf(tiny));
    }

    @Test
    void defaultCacheDirPrefersStenoModelDirThenXdgThenHome() {
        Path home = Path.of("/home/ann");
        assertEquals(Path.of("/models"), ModelStore.defaultCacheDir(
                Map.of("STENO_MODEL_DIR", "/models", "XDG_CACHE_HOME", "/xdg")::get, home));
        assertEquals(Path.of("/xdg/steno/models"), ModelStore.defaultCacheDir(
                Map.of("STENO_MODEL_DIR", "  ", "XDG_CACHE_HOME", "/xdg")::get, home));
        assertEquals(Path.of("/home/ann/.cache/steno/models"), ModelStore.defaultCacheDir(
                Map.of("XDG_CACHE_HOME", "relative/cache")::get, home), "a relative XDG_CACHE_HOME is ignored");
        assertEquals(Path.of("/home/ann/.cache/steno/models"), ModelStore.defaultCacheDir(Map.<String, String>of()::get,
                home));
    }

    @Test
    void fromEnvironmentHonoursTheMirrorVariable() {
        ModelStore store = ModelStore.fromEnvironment(Map.of("STENO_MODEL_DIR", dir.toString(),
                "STENO_MODEL_BASE_URL", "http://127.0.0.1:1/mirror")::get, Path.of("/home/ann"));
        assertEquals(dir, store.cacheDir());
        assertEquals(URI.create("http://127.0.0.1:1/mirror/"), store.baseUrl());
        assertEquals(ModelCatalog.DEFAULT_BASE_URL,
                ModelStore.fromEnvironment(Map.<String, String>of()::get, dir).baseUrl());
    }

    @Test
    void contentRangeParsing() {
        assertArrayEquals(new long[] {10, 99, 100}, ModelStore.parseContentRange("bytes 10-99/100"));
        assertArrayEquals(new long[] {10, 99, -1}, ModelStore.parseContentRange("bytes 10-99/*"));
        assertArrayEquals(new long[] {-1, -1, 100}, ModelStore.parseContentRange("bytes */100"));
        assertEquals(null, ModelStore.parseContentRange("items 1-2/3"));
        assertEquals(null, ModelStore.parseContentRange(null));
    }

    /** Records every listener call. */
    static final class Recorder implements DownloadListener {
        final List<Long> startedTotals = new ArrayList<>();
        final List<long[]> progress = new ArrayList<>();
        final List<Path> finishedPaths = new ArrayList<>();
        final List<String> finishedShas = new ArrayList<>();
        final List<ModelDownloadException> failures = new ArrayList<>();

        @Override
        public void started(WhisperModel model, long totalBytes) {
            startedTotals.add(totalBytes);
        }

        @Override
        public void progress(long doneBytes, long totalBytes) {
            progress.add(new long[] {doneBytes, totalBytes});
        }

        @Override
        public void finished(Path path, String sha256hex) {
            finishedPaths.add(path);
            finishedShas.add(sha256hex);
        }

        @Override
        public void failed(ModelDownloadException error) {
            failures.add(error);
        }
    }
}
