package dev.steno.engine.vad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.steno.engine.model.ModelDownloadException;
import dev.steno.engine.testing.SharedFixtures;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from a loopback server only; the official URLs are never contacted. */
class VadModelCatalogTest {
    @TempDir
    Path cache;

    @Test
    void catalogMatchesTheFixtures() throws Exception {
        for (var e : Map.of(VadModelCatalog.SILERO_V5, "v5", VadModelCatalog.SILERO_V6, "v6").entrySet()) {
            byte[] bytes = Files.readAllBytes(SharedFixtures.file("models/silero/silero_vad_" + e.getValue()
                    + ".onnx"));
            assertEquals(e.getKey().sizeBytes(), bytes.length);
            assertEquals(e.getKey().sha256(),
                    HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        }
        assertEquals(VadModelCatalog.SILERO_V5, VadModelCatalog.find("v5").orElseThrow());
        assertEquals(VadModelCatalog.SILERO_V6, VadModelCatalog.find("Silero-V6").orElseThrow());
        assertTrue(VadModelCatalog.find("v7").isEmpty());
    }

    @Test
    void downloadsChecksAndCaches() throws Exception {
        byte[] good = Files.readAllBytes(SharedFixtures.file("models/silero/silero_vad_v5.onnx"));
        byte[] bad = good.clone();
        bad[1000] ^= 1;
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        for (var e : Map.of("/good", good, "/bad", bad).entrySet()) {
            server.createContext(e.getKey(), ex -> {
                ex.sendResponseHeaders(200, e.getValue().length);
                ex.getResponseBody().write(e.getValue());
                ex.close();
            });
        }
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            HttpClient http = HttpClient.newHttpClient();
            VadModelCatalog.VadModelFile f = VadModelCatalog.SILERO_V5;
            assertFalse(VadModelCatalog.cached(f, cache).isPresent());

            ModelDownloadException e = assertThrows(ModelDownloadException.class,
                    () -> VadModelCatalog.download(f, URI.create(base + "/bad"), cache, http));
            assertTrue(e.getMessage().contains("does not match"), e.getMessage());
            assertTrue(e.getMessage().contains("place it at " + cache.resolve(f.fileName())), e.getMessage());
            e = assertThrows(ModelDownloadException.class,
                    () -> VadModelCatalog.download(f, URI.create(base + "/missing"), cache, http));
            assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
            try (var files = Files.list(cache)) {
                assertEquals(0, files.count(), "nothing left behind");
            }

            Path p = VadModelCatalog.download(f, URI.create(base + "/good"), cache, http);
            assertArrayEquals(good, Files.readAllBytes(p));
            assertEquals(p, VadModelCatalog.ensure(f, cache, http)); // cached: no network
            try (SileroVadModel m = SileroVadModel.load(p)) {
                assertEquals(SileroVadModel.Signature.V5, m.signature());
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void unreachableServerSaysWhereToPlaceTheFile() throws IOException {
        int port;
        try (var s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ModelDownloadException e = assertThrows(ModelDownloadException.class, () -> VadModelCatalog.download(
                VadModelCatalog.SILERO_V6, URI.create("http://127.0.0.1:" + port + "/x"), cache,
                HttpClient.newHttpClient()));
        assertTrue(e.getMessage().contains(VadModelCatalog.SILERO_V6.url().toString()), e.getMessage());
    }
}
