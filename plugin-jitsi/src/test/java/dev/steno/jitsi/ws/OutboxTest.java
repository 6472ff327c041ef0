package dev.steno.jitsi.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.junit.jupiter.api.Test;

/** A slow peer skips intermediate interim results but gets every final, in order. */
class OutboxTest {
    private final Session session = mock(Session.class);
    private final List<String> sent = new ArrayList<>();
    private final List<Callback> pending = new ArrayList<>();

    OutboxTest() {
        when(session.isOpen()).thenReturn(true);
        org.mockito.Mockito.doAnswer(inv -> {
            sent.add(inv.getArgument(0));
            pending.add(inv.getArgument(1));
            return null;
        }).when(session).sendText(anyString(), any(Callback.class));
    }

    /** The peer finishes reading the message in flight. */
    private void ack() {
        pending.removeFirst().succeed();
    }

    @Test
    void interimsAreReplacedWhileWaitingFinalsNever() {
        Outbox out = new Outbox(session, 100);
        out.sendReplaceable("A interim 1", "A"); // goes out at once
        out.sendReplaceable("A interim 2", "A");
        out.sendReplaceable("B interim 1", "B");
        out.send("A final 1");
        out.sendReplaceable("A interim 3", "A"); // replaces interim 2, which is still queued
        out.send("B final 1");
        assertEquals(List.of("A interim 1"), sent, "one message in flight");
        while (!pending.isEmpty()) {
            ack();
        }
        assertEquals(List.of("A interim 1", "B interim 1", "A final 1", "A interim 3", "B final 1"), sent);
    }

    @Test
    void aPeerThatReadsNothingIsDisconnected() {
        Outbox out = new Outbox(session, 3);
        for (int i = 0; i < 4; i++) {
            out.send("final " + i);
        }
        verify(session, never()).close(anyInt(), anyString(), any(Callback.class));
        out.send("final 4");
        verify(session).close(org.mockito.ArgumentMatchers.eq(StatusCode.POLICY_VIOLATION), anyString(),
                any(Callback.class));
    }

    @Test
    void closeAfterFlushSendsWhatIsQueuedFirst() {
        Outbox out = new Outbox(session, 100);
        out.send("one");
        out.send("two");
        out.closeAfterFlush(StatusCode.NORMAL, "eof");
        out.send("late"); // after the close was asked for: not sent
        ack();
        verify(session, never()).close(anyInt(), anyString(), any(Callback.class));
        ack();
        assertEquals(List.of("one", "two"), sent);
        verify(session).close(org.mockito.ArgumentMatchers.eq(StatusCode.NORMAL), org.mockito.ArgumentMatchers.eq("eof"),
                any(Callback.class));
    }
}
