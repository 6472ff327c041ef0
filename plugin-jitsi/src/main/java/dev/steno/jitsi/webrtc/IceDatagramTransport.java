package dev.steno.jitsi.webrtc;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.SocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.DatagramTransport;
import org.ice4j.socket.IceSocketWrapper;

/**
 * BouncyCastle's view of the ICE connection for DTLS: records the session queues (DTLS is demultiplexed from RTP by
 * its first byte, RFC 7983) and datagrams sent to the selected remote candidate.
 */
final class IceDatagramTransport implements DatagramTransport {
    /** Path MTU assumed for outgoing records: 1200 bytes leave room for IPv6 and TURN headers. */
    private static final int SEND_LIMIT = 1200;
    private static final int RECEIVE_LIMIT = 1500;

    private final BlockingQueue<byte[]> inbound;
    private final IceSocketWrapper socket;
    private final SocketAddress remote;
    private final Runnable onClose;
    private volatile boolean closed;

    /**
     * @param inbound the session's queue of received DTLS datagrams
     * @param onClose called once when the DTLS layer closes the transport (close_notify or a fatal alert)
     */
    IceDatagramTransport(BlockingQueue<byte[]> inbound, IceSocketWrapper socket, SocketAddress remote,
                         Runnable onClose) {
        this.inbound = inbound;
        this.socket = socket;
        this.remote = remote;
        this.onClose = onClose;
    }

    @Override
    public int getReceiveLimit() {
        return RECEIVE_LIMIT;
    }

    @Override
    public int getSendLimit() {
        return SEND_LIMIT;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (closed) {
            throw new IOException("transport closed");
        }
        try {
            byte[] p = inbound.poll(waitMillis, TimeUnit.MILLISECONDS);
            if (p == null) {
                return -1;
            }
            int n = Math.min(len, p.length);
            System.arraycopy(p, 0, buf, off, n);
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("transport closed");
        }
        socket.send(new DatagramPacket(buf, off, len, remote));
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            onClose.run();
        }
    }
}
