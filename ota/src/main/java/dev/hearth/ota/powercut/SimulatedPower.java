package dev.hearth.ota.powercut;

import dev.hearth.ota.BlockDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The crash injector: simulated devices on one power supply. Every write and every flush is a
 * boundary; the supply counts them and, at the chosen one, cuts the power: every device loses,
 * keeps or tears its unflushed writes, and the operation throws {@link PowerCut}.
 */
final class SimulatedPower {

    private final Map<Path, SimulatedDisk> disks = new LinkedHashMap<>();
    private final SplittableRandom random;
    private long operations;
    private long cutAt = Long.MAX_VALUE;

    SimulatedPower(SplittableRandom random) {
        this.random = random;
    }

    void attach(Path device, byte[] content) {
        disks.put(device, new SimulatedDisk(content));
    }

    /** Cuts the power at the {@code n}-th write/flush from now on (1-based); MAX_VALUE never. */
    void cutAt(long n) {
        cutAt = n;
    }

    long operations() {
        return operations;
    }

    byte[] durableContent(Path device) {
        return disks.get(device).durableContent();
    }

    BlockDevice.Opener opener() {
        return path -> {
            SimulatedDisk disk = disks.get(path);
            if (disk == null) {
                throw new IOException("no simulated device at " + path);
            }
            return new PowerCutBlockDevice(disk);
        };
    }

    private void boundary() {
        operations++;
        if (operations == cutAt) {
            for (SimulatedDisk d : disks.values()) {
                d.cut(random);
            }
            cutAt = Long.MAX_VALUE;
            throw new PowerCut(operations);
        }
    }

    /** A view of a simulated disk whose writes and flushes are power-cut boundaries. */
    private final class PowerCutBlockDevice implements BlockDevice {
        private final SimulatedDisk disk;

        PowerCutBlockDevice(SimulatedDisk disk) {
            this.disk = disk;
        }

        @Override
        public long size() {
            return disk.size();
        }

        @Override
        public int read(long position, ByteBuffer dst) {
            return disk.read(position, dst);
        }

        @Override
        public void write(long position, ByteBuffer src) {
            disk.write(position, src);
            boundary();
        }

        @Override
        public void force() {
            boundary();
            disk.flush();
        }

        @Override
        public void close() {
            // Closing flushes nothing: only force() makes writes durable, as with a real device.
        }
    }
}
