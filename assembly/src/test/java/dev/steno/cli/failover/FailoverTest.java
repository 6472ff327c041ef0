package dev.steno.cli.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.cli.NginxUnderTest;
import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.SystemPrograms;
import dev.steno.jitsi.testing.PostgresCluster;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Steno nodes behind nginx (deploy/nginx/steno.conf) on one PostgreSQL, with the clients real peers are: a
 * videobridge exporting one meeting (two endpoints), Jigasi transcribing another (two participants), two browsers
 * on {@code /asr}. Node a, which holds both meetings, is killed with SIGKILL mid-meeting: the clients reconnect
 * through nginx to node b and the meetings go on. Node a comes back; node b is stopped with SIGTERM: it drains, tells
 * every client to reconnect (1001), and the meetings go on on node a. At the end every word a client received as
 * final is in PostgreSQL exactly once, on the meeting clock where it was said.
 *
 * <p>Prints the recovery times and the committed lines lost/duplicated as its last line (deploy/failover-test.sh
 * shows it), and writes it to target/failover-report.txt.
 */
@Tag(SystemPrograms.TAG)
class FailoverTest {
    private static final double DRAIN_SECONDS = 10;
    private static final Duration PHASE = Duration.ofSeconds(60);
    /** Words each speaker must have received as finals on a connection before the test moves on. */
    private static final int WORDS_PER_PHASE = 2;
    /**
     * How much earlier and later than the moment its burst went out a stored word may sit on the meeting clock. A
     * node places a stream on the meeting clock when it joins the participant, after the work that comes first (the
     * meeting's rows, a cold JIT), so words land up to a few hundred milliseconds late; they never land much early.
     * A word goes to the burst whose lateness is nearest the usual.
     */
    private static final double EARLY_SECONDS = 0.3;
    private static final double LATE_SECONDS = 1.0;
    private static final double USUAL_LATE_SECONDS = 0.3;

    @TempDir
    Path dir;

    @Test
    void meetingsSurviveAKilledNodeAndADrainedOneLosingAndDuplicatingNoCommittedLine() throws Exception {
        try (PostgresCluster pg = PostgresCluster.startOrSkip()) {
            String url = pg.newDatabase();
            int portA = NginxUnderTest.freePort();
            int portB = NginxUnderTest.freePort();
            List<AutoCloseable> open = new ArrayList<>();
            try {
                NodeProcess a = NodeProcess.start("a", portA, url, dir, DRAIN_SECONDS);
                open.add(a);
                NodeProcess b = NodeProcess.start("b", portB, url, dir, DRAIN_SECONDS);
                open.add(b);
                NginxUnderTest nginx = NginxUnderTest.configure(Files.createDirectories(dir.resolve("nginx")),
                        List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB)).start();
                open.add(nginx);
                String bridgeMeeting = meetingOn(nginx, portA, "weekly-");
                String jigasiMeeting = meetingOn(nginx, portA, "room-");

                BridgeClient bridge = new BridgeClient(nginx.ws("/transcribe/" + bridgeMeeting),
                        List.of(new Speaker("ann", 300, true), new Speaker("bob", 700, true)));
                JigasiClient jigasi = new JigasiClient(nginx.ws("/streaming-whisper/ws/" + jigasiMeeting),
                        List.of(new Speaker("cy", 1100, false), new Speaker("dee", 1500, false)));
                List<BrowserClient> browsers = List.of(
                        new BrowserClient("browser-1", nginx.ws("/asr"), new Speaker("eve", 300, false)),
                        new BrowserClient("browser-2", nginx.ws("/asr"), new Speaker("fay", 700, false)));
                List<ReconnectingClient> meetings = List.of(bridge, jigasi);
                List<ReconnectingClient> all = new ArrayList<>(meetings);
                all.addAll(browsers);
                open.addAll(all);
                all.forEach(ReconnectingClient::start);

                awaitFinals(meetings, 1);
                Await.until(PHASE, () -> browsers.stream().allMatch(c -> c.transcriptWords(c.epoch()) > 0),
                        () -> "both browser sessions to show words");

                long killedAt = System.currentTimeMillis();
                a.kill();
                awaitFinals(meetings, 2);
                List<Integer> browserEpochs = browsers.stream().map(ReconnectingClient::epoch).toList();
                Await.until(PHASE, () -> browsers.stream().allMatch(c -> c.epoch() > 0
                        && c.transcriptWords(c.epoch()) > 0), () -> "the browser sessions to go on: " + browsers);
                Recovery afterKill = recovery(meetings, 2, killedAt);

                NodeProcess back = NodeProcess.start("a", portA, url, dir, DRAIN_SECONDS);
                open.add(back);
                // nginx tries node a again once its fail_timeout passed: the meetings' hash points there again
                String probe = "/meetings/" + bridgeMeeting + "/transcript.json";
                Await.until(PHASE, () -> {
                    get(nginx, probe);
                    return nginx.upstreamOf(probe).equals("127.0.0.1:" + portA);
                }, () -> "nginx to send meeting " + bridgeMeeting + " to node a again");

                long drainedAt = System.currentTimeMillis();
                List<Integer> onB = meetings.stream().map(ReconnectingClient::epoch).toList();
                b.terminate();
                assertDrained(b);
                for (int i = 0; i < meetings.size(); i++) {
                    ReconnectingClient c = meetings.get(i);
                    assertEquals(2, onB.get(i), c.name + " stayed on node b until the drain: " + c.connections);
                    ReconnectingClient.Connection drained = c.connections.get(onB.get(i));
                    Await.until(Duration.ofSeconds(10), () -> drained.closeCode >= 0, () -> c.name + " to be closed");
                    assertEquals(1001, drained.closeCode, c.name + " is told to reconnect: " + drained
                            + " (the drain began at " + drainedAt + ")\n" + b.log());
                }
                awaitFinals(meetings, 3);
                Recovery afterDrain = recovery(meetings, 3, drainedAt);
                for (int i = 0; i < browsers.size(); i++) {
                    BrowserClient c = browsers.get(i);
                    Await.until(PHASE, () -> c.epoch() > 0 && c.transcriptWords(c.epoch()) > 0,
                            () -> c.name + " to go on after the drain");
                    assertTrue(c.connections.values().stream().allMatch(k -> k.closeCode == -1 || k.closeCode == 1001
                            || k.closeCode == 1006), c.name + ": closed with 1001 by the drain, or cut by the kill");
                    assertTrue(c.epoch() >= browserEpochs.get(i), c.name);
                }

                // the meetings end: the speakers stop and the node sends their last finals
                bridge.finish(PHASE, () -> settled(bridge, 3));
                jigasi.finish(PHASE, () -> settled(jigasi, 3));
                back.terminate();
                assertDrained(back);

                Tally kill = new Tally();
                Tally drain = new Tally();
                Tally end = new Tally();
                try (Connection db = DriverManager.getConnection(url)) {
                    check(db, bridgeMeeting, bridge, kill, drain, end);
                    check(db, jigasiMeeting, jigasi, kill, drain, end);
                }
                String report = String.format(Locale.ROOT, "failover: kill -9: reconnected in %.1f s, first caption "
                                + "after %.1f s, lines lost/duplicated %d/%d; drain (SIGTERM): reconnected in %.1f s, "
                                + "first caption after %.1f s, lines lost/duplicated %d/%d; words said but not heard "
                                + "(audio in flight at the kill or drain) %d of %d",
                        afterKill.reconnected(), afterKill.caption(), kill.lost, kill.duplicated + end.duplicated,
                        afterDrain.reconnected(), afterDrain.caption(), drain.lost, drain.duplicated,
                        kill.unheard + drain.unheard + end.unheard, kill.said + drain.said + end.said);
                Files.writeString(Path.of("target", "failover-report.txt"), report + "\n");
                Files.writeString(Path.of("target", "failover-details.txt"), details);
                System.out.println(report);
                assertEquals(0, kill.lost + drain.lost + end.lost, report + "\n" + details);
                assertEquals(0, kill.duplicated + drain.duplicated + end.duplicated, report + "\n" + details);
            } finally {
                for (AutoCloseable c : open.reversed()) {
                    c.close();
                }
            }
        }
    }

    /** The node drained and exited: 143 is how a JVM ends on SIGTERM, after its shutdown hook (the drain) ran. */
    private static void assertDrained(NodeProcess node) throws Exception {
        int exit = node.awaitExit(Duration.ofSeconds((long) DRAIN_SECONDS + 20));
        assertTrue(exit == 143 || exit == 0, "exit code " + exit + "; " + node.log());
        assertTrue(node.log().contains("node drained: "), node.log());
        assertTrue(node.log().contains(" 0 stopped"), "every session finished within the drain: " + node.log());
    }

    /** A meeting id that nginx's consistent hash sends to the node on {@code port}. */
    private static String meetingOn(NginxUnderTest nginx, int port, String prefix) throws Exception {
        for (int i = 0; i < 200; i++) {
            String path = "/meetings/" + prefix + i + "/transcript.json";
            get(nginx, path);
            if (nginx.upstreamOf(path).equals("127.0.0.1:" + port)) {
                return prefix + i;
            }
        }
        throw new AssertionError("no meeting id of 200 hashes to port " + port);
    }

    private static void get(NginxUnderTest nginx, String path) throws Exception {
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(nginx.http(path)).build(),
                HttpResponse.BodyHandlers.discarding());
    }

    /** Waits until every speaker of every client received {@link #WORDS_PER_PHASE} final words on connection e. */
    private static void awaitFinals(List<ReconnectingClient> clients, int epoch) throws Exception {
        Await.until(PHASE, () -> clients.stream().allMatch(c -> c.speakers.stream()
                        .allMatch(s -> c.finalWords(s.id, epoch) >= WORDS_PER_PHASE)),
                () -> "every speaker to receive finals on connection " + epoch + ": " + clients.stream()
                        .map(c -> c.name + " " + c.results.stream().filter(r -> r.epoch() == epoch).toList())
                        .toList());
    }

    /** Every burst each speaker said whole on connection {@code epoch} came back as a final word. */
    private static boolean settled(ReconnectingClient c, int epoch) {
        return c.speakers.stream().allMatch(s -> c.finalWords(s.id, epoch) >= s.sent.values().stream()
                .filter(b -> b.epoch() == epoch && b.whole()).count());
    }

    /** Seconds from the event to the clients' new connections, and to their first captions there (the slowest). */
    record Recovery(double reconnected, double caption) {
    }

    private static Recovery recovery(List<ReconnectingClient> clients, int epoch, long eventAt) {
        double reconnected = 0;
        double caption = 0;
        for (ReconnectingClient c : clients) {
            reconnected = Math.max(reconnected, (c.connections.get(epoch).openedMillis - eventAt) / 1000.0);
            long first = c.results.stream().filter(r -> r.epoch() == epoch).mapToLong(ReconnectingClient.Result::atMillis)
                    .min().orElseThrow();
            caption = Math.max(caption, (first - eventAt) / 1000.0);
        }
        return new Recovery(reconnected, caption);
    }

    /** Words and lines counted per event: connection 1 ends with the kill, 2 with the drain, 3 normally. */
    private static final class Tally {
        int lost;
        int duplicated;
        int said;
        int unheard;
    }

    /** Per speaker, what was stored and what was said, to read when the counts are not 0/0. */
    private final StringBuilder details = new StringBuilder();

    /**
     * Matches the meeting's stored words to the bursts the client's speakers said (by their place on the meeting
     * clock) and counts, per connection: finals the client received beyond the words stored (lost), words stored
     * twice or lines holding more words than were stored (duplicated), and bursts said whole that no stored word
     * matches (unheard).
     */
    private void check(Connection db, String meeting, ReconnectingClient client, Tally... byEpoch)
            throws Exception {
        long started;
        try (PreparedStatement ps = db.prepareStatement("SELECT started_ms FROM meetings WHERE meeting_id = ?")) {
            ps.setString(1, meeting);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "meeting " + meeting + " is stored");
                started = rs.getLong(1);
            }
        }
        for (Speaker s : client.speakers) {
            List<double[]> words = times(db, "SELECT start_s, end_s FROM transcript_words WHERE meeting_id = ? AND "
                    + "participant_id = ? ORDER BY start_s", meeting, s.id);
            int[] matches = new int[Speaker.BURSTS];
            details.append(meeting).append(' ').append(s.id).append(": stored words at");
            words.forEach(w -> details.append(String.format(Locale.ROOT, " %.2f", w[0])));
            details.append("\n  said (burst@meeting s/connection, p: partly sent):");
            s.sent.values().stream().sorted(Comparator.comparingInt(Speaker.SentBurst::burst)).forEach(b -> details
                    .append(String.format(Locale.ROOT, " %d@%.2f/%d%s", b.burst(), (b.startMillis() - started) / 1000.0,
                            b.epoch(), b.whole() ? "" : "p")));
            details.append("\n  connections: ").append(client.connections.values()).append("\n  refused: ")
                    .append(client.refusals);
            details.append("\n  finals per connection:");
            for (int e = 1; e <= byEpoch.length; e++) {
                details.append(' ').append(client.finalWords(s.id, e));
            }
            details.append('\n');
            for (double[] w : words) {
                Speaker.SentBurst said = null;
                double best = Double.MAX_VALUE;
                for (Speaker.SentBurst b : s.sent.values()) {
                    double late = w[0] - (b.startMillis() - started) / 1000.0;
                    // nearest to the usual lateness: after a reconnect two bursts may lie closer than their period
                    double off = Math.abs(late - USUAL_LATE_SECONDS);
                    if (late >= -EARLY_SECONDS && late <= LATE_SECONDS && off < best) {
                        said = b;
                        best = off;
                    }
                }
                if (said == null) {
                    byEpoch[byEpoch.length - 1].duplicated++; // a stored word nobody said
                } else {
                    matches[said.burst()]++;
                }
            }
            for (int e = 1; e <= byEpoch.length; e++) {
                Tally t = byEpoch[e - 1];
                int stored = 0;
                for (Speaker.SentBurst b : s.sent.values()) {
                    if (!b.on(e)) {
                        continue;
                    }
                    // a burst cut by a reconnect went out in two pieces, each of which may be heard as a word: a
                    // word stored for it covers a final of either connection
                    stored += Math.min(1, matches[b.burst()]);
                    if (b.epoch() == e) {
                        t.duplicated += Math.max(0, matches[b.burst()] - (b.whole() ? 1 : 2));
                    }
                    if (b.whole()) {
                        t.said++;
                        t.unheard += matches[b.burst()] == 0 ? 1 : 0;
                    }
                }
                t.lost += Math.max(0, client.finalWords(s.id, e) - stored);
            }
            // every stored word sits in exactly one stored line: a line stored twice would hold its words twice
            int lineWords = 0;
            try (PreparedStatement ps = db.prepareStatement("SELECT text FROM transcript_lines WHERE meeting_id = ? "
                    + "AND participant_id = ?")) {
                ps.setString(1, meeting);
                ps.setString(2, s.id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String text = rs.getString(1).strip();
                        lineWords += text.isEmpty() ? 0 : text.split("\\s+").length;
                    }
                }
            }
            details.append("  words in stored lines: ").append(lineWords).append('\n');
            Tally last = byEpoch[byEpoch.length - 1];
            last.duplicated += Math.max(0, lineWords - words.size());
            last.lost += Math.max(0, words.size() - lineWords);
        }
    }

    private static List<double[]> times(Connection db, String sql, String meeting, String participant)
            throws Exception {
        List<double[]> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setString(1, meeting);
            ps.setString(2, participant);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new double[] {rs.getDouble(1), rs.getDouble(2)});
                }
            }
        }
        return out;
    }
}
