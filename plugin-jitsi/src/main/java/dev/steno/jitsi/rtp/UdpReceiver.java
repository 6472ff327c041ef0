package dev.steno.jitsi.rtp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Receives the UDP ports of the RTP ingest on one thread (a selector over all ports), answers STUN binding requests,
 * and passes everything else to {@link RtpIngest#handle}. Every 20 ms it also runs {@link RtpIngest#tick}.
 */
public final class UdpReceiver implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(UdpReceiver.class.getName());
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final RtpIngest ingest;
    private final Selector selector;
    private final List<DatagramChannel> channels = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    /** Larger than any accepted datagram, so an oversized one is seen whole and rejected, not cut silently. */
    private final ByteBuffer in = ByteBuffer.allocate(65536);
    private final StunResponder stun = new StunResponder();
    private final Thread thread;
    private volatile boolean running = true;

    /** Binds every configured port; throws when one cannot be bound (the message names it). */
    public UdpReceiver(RtpIngest ingest) throws IOException {
        this.ingest = ingest;
        this.selector = Selector.open();
        RtpConfig config = ingest.config();
        try {
            for (int port : config.ports()) {
                DatagramChannel ch = DatagramChannel.open();
                try {
                    ch.bind(new InetSocketAddress(config.bindAddress(), port));
                } catch (IOException e) {
                    ch.close();
                    throw new IOException("cannot bind RTP port " + config.bindAddress() + ":" + port + ": "
                            + e.getMessage(), e);
                }
                // Room for bursts from hundreds of streams while the thread is busy (the OS may cap it lower).
                ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
                ch.configureBlocking(false);
                int bound = ((InetSocketAddress) ch.getLocalAddress()).getPort();
                ch.register(selector, SelectionKey.OP_READ, bound);
                channels.add(ch);
                ports.add(bound);
            }
        } catch (IOException e) {
            closeChannels();
            throw e;
        }
        thread = new Thread(this::loop, "steno-rtp-receive");
        thread.setDaemon(true);
    }

    /** Starts receiving. */
    public void start() {
        thread.start();
        LOG.log(System.Logger.Level.INFO, "RTP ingest listening on UDP {0} port(s) {1}",
                ingest.config().bindAddress(), ports);
    }

    /** The bound ports, in configuration order (resolves port 0). */
    public List<Integer> ports() {
        return List.copyOf(ports);
    }

    private void loop() {
        long nextTick = System.nanoTime() + TICK_NANOS;
        byte[] buf = in.array();
        while (running) {
            try {
                long wait = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextTick - System.nanoTime()));
                selector.select(wait);
                var it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    DatagramChannel ch = (DatagramChannel) key.channel();
                    int port = (Integer) key.attachment();
                    // Drain the socket: many packets may be waiting per wake-up.
                    while (true) {
                        in.clear();
                        SocketAddress from = ch.receive(in);
                        if (from == null) {
                            break;
                        }
                        int len = in.position();
                        if (StunResponder.isStun(buf, 0, len)) {
                            answerStun(ch, port, buf, len, from);
                        } else {
                            ingest.handle(port, buf, 0, len);
                        }
                    }
                }
                if (System.nanoTime() - nextTick >= 0) {
                    nextTick = System.nanoTime() + TICK_NANOS;
                    ingest.tick();
                }
            } catch (IOException | RuntimeException e) {
                if (running) {
                    // One bad datagram or handler error must not stop everyone else's audio.
                    LOG.log(System.Logger.Level.WARNING, "RTP receive error (continuing): " + e, e);
                }
            }
        }
    }

    private void answerStun(DatagramChannel ch, int port, byte[] buf, int len, SocketAddress from) throws IOException {
        if (!StunResponder.isBindingRequest(buf, 0) || !(from instanceof InetSocketAddress addr)) {
            ingest.dropStats().drop(DropReason.STUN_UNSUPPORTED, port, -1, "type 0x"
                    + Integer.toHexString(((buf[0] & 0xFF) << 8) | (buf[1] & 0xFF)));
            return;
        }
        byte[] resp = stun.respond(buf, 0, addr);
        ch.send(ByteBuffer.wrap(resp, 0, stun.responseLength()), from);
    }

    @Override
    public void close() throws IOException {
        running = false;
        selector.wakeup();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeChannels();
        selector.close();
    }

    private void closeChannels() {
        for (DatagramChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing RTP channel: " + e);
            }
        }
    }
}
