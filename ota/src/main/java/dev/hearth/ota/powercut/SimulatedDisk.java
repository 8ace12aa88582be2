package dev.hearth.ota.powercut;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The contents of one simulated device: durable bytes, and the writes since the last flush, which
 * reads see (as a page cache would) but a power cut may lose, apply, or tear at any byte, each
 * independently and so in any order.
 */
final class SimulatedDisk {

    private record Pending(long position, byte[] data) {
    }

    private static final int SECTOR = 512;

    private final byte[] durable;
    private final List<Pending> pending = new ArrayList<>();

    SimulatedDisk(byte[] content) {
        this.durable = content.clone();
    }

    long size() {
        return durable.length;
    }

    int read(long position, ByteBuffer dst) {
        int n = (int) Math.max(0, Math.min(dst.remaining(), durable.length - position));
        byte[] view = new byte[n];
        System.arraycopy(durable, (int) position, view, 0, n);
        for (Pending p : pending) {
            overlay(view, position, p.data(), p.position(), p.data().length);
        }
        dst.put(view);
        return n;
    }

    void write(long position, ByteBuffer src) {
        if (position + src.remaining() > durable.length) {
            throw new IllegalArgumentException("write beyond the end of a " + durable.length + "-byte device");
        }
        byte[] data = new byte[src.remaining()];
        src.get(data);
        pending.add(new Pending(position, data));
    }

    void flush() {
        for (Pending p : pending) {
            System.arraycopy(p.data(), 0, durable, (int) p.position(), p.data().length);
        }
        pending.clear();
    }

    /**
     * Loses power: every unflushed write is lost, applied, or torn at a random byte; the rest of a
     * torn write's range keeps its old bytes or reads as zeros (a file being rewritten from its
     * start, as a FAT driver does). Half of the tears land in the write's first sector, where
     * headers and checksums live, so that small writes are torn where it matters often enough.
     */
    void cut(SplittableRandom random) {
        for (Pending p : pending) {
            int mode = random.nextInt(4);
            int kept = switch (mode) {
                case 0 -> 0;
                case 1 -> p.data().length;
                default -> random.nextBoolean() ? random.nextInt(Math.min(p.data().length, SECTOR) + 1)
                        : random.nextInt(p.data().length + 1);
            };
            System.arraycopy(p.data(), 0, durable, (int) p.position(), kept);
            if (mode == 3) {
                Arrays.fill(durable, (int) p.position() + kept, (int) p.position() + p.data().length, (byte) 0);
            }
        }
        pending.clear();
    }

    byte[] durableContent() {
        return durable.clone();
    }

    private static void overlay(byte[] view, long viewPos, byte[] data, long dataPos, int len) {
        long from = Math.max(viewPos, dataPos);
        long to = Math.min(viewPos + view.length, dataPos + len);
        if (from < to) {
            System.arraycopy(data, (int) (from - dataPos), view, (int) (from - viewPos), (int) (to - from));
        }
    }
}
