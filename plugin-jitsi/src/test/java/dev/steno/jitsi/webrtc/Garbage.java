package dev.steno.jitsi.webrtc;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Hostile datagrams from a stranger: STUN binding requests with made-up credentials, DTLS-looking records and
 * RTP-looking packets, to one port on every local address.
 */
final class Garbage {
    private Garbage() {
    }

    /** Sends {@code count} datagrams of each kind to {@code port} on every local address; returns how many. */
    static long flood(int port, int count) throws IOException {
        List<InetAddress> targets = new ArrayList<>();
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nif.isUp()) {
                targets.addAll(Collections.list(nif.getInetAddresses()));
            }
        }
        Random random = new Random(11);
        long sent = 0;
        try (DatagramSocket s = new DatagramSocket()) {
            for (int i = 0; i < count; i++) {
                for (byte[] d : List.of(stun(random), dtls(random), rtp(random))) {
                    for (InetAddress a : targets) {
                        try {
                            s.send(new DatagramPacket(d, d.length, new InetSocketAddress(a, port)));
                            sent++;
                        } catch (IOException unreachable) {
                            // an address family or scope the socket cannot reach
                        }
                    }
                }
            }
        }
        return sent;
    }

    private static byte[] stun(Random random) {
        byte[] user = ("x" + random.nextInt(1_000_000) + ":EsAw").getBytes();
        int attr = 4 + ((user.length + 3) & ~3);
        ByteBuffer b = ByteBuffer.allocate(20 + attr);
        b.putShort((short) 0x0001).putShort((short) attr).putInt(0x2112A442);
        byte[] tid = new byte[12];
        random.nextBytes(tid);
        b.put(tid).putShort((short) 0x0006).putShort((short) user.length).put(user);
        return b.array();
    }

    private static byte[] dtls(Random random) {
        byte[] d = new byte[13 + random.nextInt(300)];
        random.nextBytes(d);
        d[0] = 22;
        d[1] = (byte) 0xFE;
        d[2] = (byte) 0xFD;
        return d;
    }

    private static byte[] rtp(Random random) {
        byte[] d = new byte[12 + random.nextInt(200)];
        random.nextBytes(d);
        d[0] = (byte) 0x80;
        d[1] = 111;
        return d;
    }
}
