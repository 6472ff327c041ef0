package dev.steno.jitsi.rtp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A UDP relay that damages traffic like a bad network: drops, duplicates and reorders datagrams (seeded, so a run is
 * reproducible). Reordering holds a datagram back and sends it after the next one.
 */
final class LossyUdpProxy implements AutoCloseable {
    final AtomicInteger received = new AtomicInteger();
    final AtomicInteger dropped = new AtomicInteger();
    final AtomicInteger duplicated = new AtomicInteger();
    final AtomicInteger reordered = new AtomicInteger();

    private final DatagramChannel in;
    private final DatagramChannel out;
    private final InetSocketAddress target;
    private final Random random;
    private final double loss;
    private final double duplicate;
    private final double reorder;
    private final Thread thread;
    private volatile boolean running = true;

    LossyUdpProxy(int targetPort, double loss, double duplicate, double reorder, long seed) throws IOException {
        this.in = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        this.out = DatagramChannel.open();
        this.target = new InetSocketAddress("127.0.0.1", targetPort);
        this.random = new Random(seed);
        this.loss = loss;
        this.duplicate = duplicate;
        this.reorder = reorder;
        this.thread = new Thread(this::loop, "lossy-udp-proxy");
        thread.setDaemon(true);
        thread.start();
    }

    int port() throws IOException {
        return ((InetSocketAddress) in.getLocalAddress()).getPort();
    }

    private void loop() {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        byte[] held = null;
        try {
            while (running) {
                buf.clear();
                in.receive(buf);
                buf.flip();
                byte[] d = Arrays.copyOf(buf.array(), buf.limit());
                received.incrementAndGet();
                double r = random.nextDouble();
                if (r < loss) {
                    dropped.incrementAndGet();
                    continue;
                }
                if (held == null && r < loss + reorder) {
                    held = d;
                    reordered.incrementAndGet();
                    continue;
                }
                send(d);
                if (r > 1 - duplicate) {
                    duplicated.incrementAndGet();
                    send(d);
                }
                if (held != null) {
                    send(held);
                    held = null;
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    private void send(byte[] d) throws IOException {
        out.send(ByteBuffer.wrap(d), target);
    }

    @Override
    public void close() throws IOException {
        running = false;
        in.close();
        out.close();
    }
}
