package dev.steno.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.engine.testing.AllocationBudget;
import dev.steno.engine.testing.ScratchFiles;
import dev.steno.engine.testing.SpeechBurstRecognizer;
import dev.steno.engine.testing.TestStreams;
import dev.steno.server.asr.AsrConnection;
import dev.steno.server.tls.PemKeyStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.UrlEncoded;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.api.UpgradeRequest;
import org.mockito.Mockito;

/**
 * Coverage-guided fuzzing (Jazzer) of what the server reads from outside: the {@code /asr} query parameters and the
 * PEM files of {@code --ssl-certfile}/{@code --ssl-keyfile}. Each target holds a parser to its contract; anything
 * else (a runtime exception, an allocation out of proportion to the input) is a finding.
 *
 * <p>{@code mvn verify} runs every target on the empty input and the seeds and past findings under
 * {@code src/test/resources/dev/steno/server/ServerFuzzTestInputs/<target>/}; {@code JAZZER_FUZZ=1} with one target
 * selected fuzzes it (README, "Fuzzing").
 */
class ServerFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "fuzz-token";
    private static final long BASE_BUDGET = 32L << 20;
    private static final String INPUTS = "/dev/steno/server/ServerFuzzTestInputs/";

    private static TranscriptionService service;
    private static ScheduledExecutorService ticker;

    private static synchronized TranscriptionService service() {
        if (service == null) {
            service = new TranscriptionService(TestStreams.localAgreement(new SpeechBurstRecognizer(), 4, 0.5, 5));
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "fuzz-asr-ticker");
                t.setDaemon(true);
                return t;
            });
        }
        return service;
    }

    /**
     * {@code /asr} upgrade requests: the first line of the input is the raw query string, decoded as Jetty decodes it
     * (a query Jetty cannot decode is refused with 400 before the socket exists), the second line the
     * {@code Authorization} header. The server requires a token. The connection either answers with its config
     * message, or sends an error message and closes with 4400 (bad parameter), 4401 (bad token) or 1013 (no session
     * free); onWebSocketOpen itself never throws.
     */
    @FuzzTest(maxDuration = "30s")
    void asrQuery(byte[] input) throws IOException {
        String[] lines = new String(input, StandardCharsets.UTF_8).split("\n", 3);
        Fields fields = new Fields();
        try {
            UrlEncoded.decodeUtf8To(lines[0], fields);
        } catch (IllegalArgumentException e) {
            return;
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (Fields.Field f : fields) {
            params.put(f.getName(), f.getValues());
        }
        UpgradeRequest upgrade = mock(UpgradeRequest.class);
        when(upgrade.getParameterMap()).thenReturn(params);
        when(upgrade.getHeader("Authorization")).thenReturn(lines.length > 1 ? lines[1] : null);
        Session session = mock(Session.class);
        List<String> sent = new ArrayList<>();
        int[] closed = {0};
        when(session.getUpgradeRequest()).thenReturn(upgrade);
        when(session.getRemoteSocketAddress()).thenReturn(new InetSocketAddress("127.0.0.1", 40000));
        when(session.isOpen()).thenAnswer(call -> closed[0] == 0);
        doAnswer(call -> {
            sent.add(call.getArgument(0));
            call.getArgument(1, Callback.class).succeed();
            return null;
        }).when(session).sendText(anyString(), any(Callback.class));
        doAnswer(call -> {
            closed[0] = call.getArgument(0);
            return null;
        }).when(session).close(anyInt(), anyString(), any(Callback.class));

        AsrConnection connection = new AsrConnection(service(), ServerConfig.defaults().withApiToken(TOKEN), ticker,
                new Drain(Duration.ofSeconds(1)));
        try {
            connection.onWebSocketOpen(session);
        } finally {
            connection.onWebSocketClose(StatusCode.NORMAL, "fuzz case done");
            // inline mocks are held until cleared, and with them every connection they saw: millions of cases
            Mockito.framework().clearInlineMocks();
        }
        assertFalse(sent.isEmpty(), "the client heard nothing");
        JsonNode first = JSON.readTree(sent.getFirst());
        if (closed[0] == 0) {
            assertEquals("config", first.path("type").asText(), sent.getFirst());
            String mode = params.containsKey("mode") && !params.get("mode").isEmpty() ? params.get("mode").getFirst()
                    : "full";
            assertEquals(mode, first.path("mode").asText());
        } else {
            assertTrue(closed[0] == AsrConnection.CLOSE_BAD_PARAMS || closed[0] == AsrConnection.CLOSE_UNAUTHORIZED
                    || closed[0] == StatusCode.TRY_AGAIN_LATER, "closed with " + closed[0]);
            assertEquals("error", first.path("type").asText(), sent.getFirst());
            assertFalse(first.path("error").asText().isBlank(), "an error without a reason");
        }
    }

    /** A seed of the other target: the fixed half of a certificate and key pair. */
    private static Path seed(String target, String name) {
        try (InputStream in = ServerFuzzTest.class.getResourceAsStream(INPUTS + target + "/" + name)) {
            if (in == null) {
                throw new IllegalStateException("seed " + target + "/" + name + " is missing");
            }
            return ScratchFiles.write("fixed-" + target, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code --ssl-certfile}: a certificate chain read into a key store with the seed key that belongs to the seed
     * chain, or an {@link IOException} with a message; never a runtime exception out of the X.509 parser.
     */
    @FuzzTest(maxDuration = "30s")
    void pemCertificateChain(byte[] input) throws KeyStoreException {
        Path key = seed("pemPrivateKey", "ec-p256-key.pem");
        loadsOrRefuses(ScratchFiles.write("chain", input), key, input.length);
    }

    /**
     * {@code --ssl-keyfile}: a private key (PKCS#8, PKCS#1 RSA or SEC1 EC) read into a key store with the seed chain,
     * or an {@link IOException} with a message.
     */
    @FuzzTest(maxDuration = "30s")
    void pemPrivateKey(byte[] input) throws KeyStoreException {
        Path chain = seed("pemCertificateChain", "ec-p256-cert.pem");
        loadsOrRefuses(chain, ScratchFiles.write("key", input), input.length);
    }

    private static void loadsOrRefuses(Path chain, Path key, int inputBytes) throws KeyStoreException {
        AllocationBudget budget = AllocationBudget.start("PemKeyStore.load on " + inputBytes + " bytes",
                BASE_BUDGET + 256L * inputBytes);
        try {
            KeyStore store = PemKeyStore.load(chain, key);
            assertTrue(store.isKeyEntry("steno"));
        } catch (IOException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "an exception without a message");
        }
        budget.check();
    }
}
