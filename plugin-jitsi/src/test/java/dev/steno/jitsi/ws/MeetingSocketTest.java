package dev.steno.jitsi.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.steno.jitsi.meeting.Meeting;
import dev.steno.jitsi.meeting.Participant;
import dev.steno.jitsi.meeting.ParticipantListener;
import dev.steno.jitsi.meeting.Utterance;
import dev.steno.server.Drain;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.junit.jupiter.api.Test;

/** The skeleton the Jitsi sockets share: opening the meeting, dropping bad input, frame callbacks, closing. */
class MeetingSocketTest {
    private final Session session = mock(Session.class);

    /** A protocol that fails on a frame starting with 0 and keeps the others. */
    private static final class Probe extends MeetingSocket {
        final AtomicInteger frames = new AtomicInteger();
        final AtomicInteger texts = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();
        /** What ending the participants returns: completes when they are over. */
        volatile CompletableFuture<Void> ending = CompletableFuture.completedFuture(null);

        Probe(Supplier<Meeting> source) {
            this(source, new Drain(Duration.ofMinutes(1)));
        }

        Probe(Supplier<Meeting> source, Drain drain) {
            super(source, drain, "probe", "bad probe input");
        }

        @Override
        protected void binary(ByteBuffer frame) {
            if (frame.get(frame.position()) == 0) {
                throw new IllegalStateException("zero");
            }
            frames.incrementAndGet();
        }

        @Override
        protected void text(String message) {
            texts.incrementAndGet();
        }

        @Override
        protected CompletableFuture<Void> endParticipants() {
            closes.incrementAndGet();
            return ending;
        }
    }

    @Test
    void openingSetsTheIdleTimeoutAndOpensTheMeeting() {
        Meeting meeting = mock(Meeting.class);
        Probe p = new Probe(() -> meeting);
        p.onWebSocketOpen(session);
        verify(session).setIdleTimeout(MeetingSocket.IDLE_TIMEOUT);
        assertSame(meeting, p.meeting());
        assertNotNull(p.outbox());
        verify(session, never()).close(anyInt(), any(), any());
    }

    @Test
    void aRefusedMeetingClosesTheSocketWithItsReason() {
        Probe p = new Probe(() -> {
            throw new IllegalArgumentException("meeting limit reached");
        });
        p.onWebSocketOpen(session);
        assertNull(p.meeting());
        verify(session).close(eq(StatusCode.POLICY_VIOLATION), eq("meeting limit reached"), any(Callback.class));
        Callback callback = mock(Callback.class);
        p.onWebSocketBinary(ByteBuffer.wrap(new byte[] {1}), callback);
        p.onWebSocketText("{}");
        verify(callback).succeed();
        assertEquals(0, p.frames.get() + p.texts.get(), "nothing is handled without a meeting");
    }

    @Test
    void aFailingFrameIsDroppedAndEveryCallbackCompletes() {
        Probe p = new Probe(() -> mock(Meeting.class));
        p.onWebSocketOpen(session);
        Callback ok = mock(Callback.class);
        Callback failing = mock(Callback.class);
        p.onWebSocketBinary(ByteBuffer.wrap(new byte[] {1}), ok);
        p.onWebSocketBinary(ByteBuffer.wrap(new byte[] {0}), failing);
        verify(ok).succeed();
        verify(failing).succeed();
        assertEquals(1, p.frames.get());
        assertEquals(1, p.dropped());
    }

    @Test
    void textMustBeAJsonObjectWithinTheLimit() {
        Probe p = new Probe(() -> mock(Meeting.class));
        assertNotNull(p.jsonObject("{\"a\":1}", 100, "a message"));
        assertNull(p.jsonObject("{\"a\":1}", 3, "a message"));
        assertNull(p.jsonObject("{\"a\":", 100, "a message"));
        assertNull(p.jsonObject("[1]", 100, "a message"));
        assertEquals(3, p.dropped());
    }

    @Test
    void anOversizedFrameIsDropped() {
        Probe p = new Probe(() -> mock(Meeting.class));
        assertTrue(p.frameFits(10, 10));
        assertFalse(p.frameFits(11, 10));
        assertEquals(1, p.dropped());
    }

    @Test
    void resultsGoOutThroughTheOutboxInterimsReplaceable() {
        List<String> sent = new ArrayList<>();
        List<Callback> inFlight = new ArrayList<>();
        when(session.isOpen()).thenReturn(true);
        doAnswer(inv -> {
            sent.add(inv.getArgument(0));
            inFlight.add(inv.getArgument(1));
            return null;
        }).when(session).sendText(anyString(), any(Callback.class));
        Probe p = new Probe(() -> mock(Meeting.class));
        p.onWebSocketOpen(session);
        Participant ann = mock(Participant.class);
        when(ann.id()).thenReturn("ann");
        ParticipantListener results = p.results((who, u) -> who.id() + " " + u.text());
        results.onFinal(ann, utterance("one", true));
        results.onInterim(ann, utterance("tw", false));
        results.onInterim(ann, utterance("two", false)); // replaces "tw" while it waits
        assertEquals(List.of("ann one"), sent, "one message in flight");
        inFlight.removeFirst().succeed();
        assertEquals(List.of("ann one", "ann two"), sent);
    }

    private static Utterance utterance(String text, boolean isFinal) {
        return new Utterance("m-" + text, text, 0, 1, List.of(), isFinal, Double.NaN);
    }

    @Test
    void closingEndsTheProtocolsParticipants() {
        Meeting meeting = mock(Meeting.class);
        when(meeting.id()).thenReturn("m1");
        Probe p = new Probe(() -> meeting);
        p.onWebSocketOpen(session);
        p.onWebSocketClose(StatusCode.NORMAL, "bye");
        assertEquals(1, p.closes.get());
    }

    @Test
    void aDrainingNodeRefusesANewSocketWithTryAgainLater() throws Exception {
        Drain drain = new Drain(Duration.ofMinutes(1));
        drain.start().get(10, TimeUnit.SECONDS);
        AtomicInteger opened = new AtomicInteger();
        Probe p = new Probe(() -> {
            opened.incrementAndGet();
            return mock(Meeting.class);
        }, drain);
        p.onWebSocketOpen(session);
        verify(session).close(eq(StatusCode.TRY_AGAIN_LATER), anyString(), any(Callback.class));
        assertNull(p.meeting());
        assertEquals(0, opened.get(), "no meeting is opened on a draining node");
        p.onWebSocketText("{}");
        assertEquals(0, p.texts.get());
    }

    @Test
    void aDrainEndsTheParticipantsTakesNoMoreInputAndClosesWithGoingAwayOnceTheyAreOver() throws Exception {
        Drain drain = new Drain(Duration.ofMinutes(1));
        Meeting meeting = mock(Meeting.class);
        when(meeting.id()).thenReturn("m1");
        Probe p = new Probe(() -> meeting, drain);
        p.ending = new CompletableFuture<>();
        p.onWebSocketOpen(session);
        p.onWebSocketText("before");
        assertEquals(1, drain.members());

        CompletableFuture<Drain.Outcome> outcome = drain.start();
        assertEquals(1, p.closes.get(), "the participants were ended");
        p.onWebSocketText("after");
        Callback callback = mock(Callback.class);
        p.onWebSocketBinary(ByteBuffer.wrap(new byte[] {1}), callback);
        verify(callback).succeed();
        assertEquals(1, p.texts.get(), "input after the drain began is not handled");
        assertEquals(0, p.frames.get());
        verify(session, never()).close(anyInt(), any(), any());

        p.ending.complete(null); // their finals are out
        verify(session).close(eq(StatusCode.SHUTDOWN), eq(MeetingSocket.DRAINED), any(Callback.class));
        assertFalse(outcome.isDone(), "done only once the socket closed");
        p.onWebSocketClose(StatusCode.SHUTDOWN, MeetingSocket.DRAINED);
        assertEquals(new Drain.Outcome(1, 0), outcome.get(10, TimeUnit.SECONDS));
    }
}
