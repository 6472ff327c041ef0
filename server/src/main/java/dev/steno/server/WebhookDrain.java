package dev.steno.server;

import dev.steno.server.webhook.WebhookDispatcher;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Makes a drain wait for the webhooks: the dispatcher is a member of the drain that releases once every other member
 * is done (their last lines are queued by then) and nothing is queued or in flight. At the drain's deadline it is
 * stopped like any member; {@link StenoServer#close()} then waits once more, bounded, before it drops what is left.
 */
final class WebhookDrain {
    /** How often the waiting drain looks again; a drain takes seconds, so this costs nothing noticeable. */
    private static final long POLL_NANOS = 20_000_000;

    private WebhookDrain() {
    }

    /** Admits the dispatcher when it has anything to send to. */
    static void register(Drain drain, WebhookDispatcher webhooks) {
        if (webhooks.settings().off()) {
            return;
        }
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Drain.Registration> registration = new AtomicReference<>();
        drain.admit(Drain.Member.of(() -> "webhooks (" + (webhooks.flushed() ? "nothing" : "lines") + " queued)",
                () -> Thread.ofVirtual().name("steno-webhook-drain").start(() -> {
                    while (!done.get() && !(drain.members() <= 1 && webhooks.flushed())) {
                        LockSupport.parkNanos(POLL_NANOS);
                    }
                    registration.get().close();
                }), () -> done.set(true))).ifPresent(registration::set);
    }
}
