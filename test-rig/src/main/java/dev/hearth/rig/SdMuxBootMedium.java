package dev.hearth.rig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * An SD card behind a USB-SD-Mux (Linux Automation), switched with the {@code usbsdmux} tool
 * (Debian package {@code usbsdmux}): to the host, the image written to the card's block device
 * and forced to it, back to the board ({@code dut}). The board must be powered off meanwhile.
 */
public final class SdMuxBootMedium implements BootMedium {

    /** The mux's positions, as {@code usbsdmux} names them. */
    public enum Mode { HOST, DUT, OFF }

    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration APPEAR_TIMEOUT = Duration.ofSeconds(30);

    private final BootMediumResource.SdMux mux;

    public SdMuxBootMedium(BootMediumResource.SdMux mux) {
        this.mux = mux;
    }

    public static HostCommand switchCommand(BootMediumResource.SdMux mux, Mode mode) {
        return HostCommand.of("usbsdmux", mux.control().toString(), mode.name().toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public void write(Path image) {
        if (!Files.isRegularFile(image)) {
            throw new IllegalArgumentException(where() + "no image " + image);
        }
        switchTo(Mode.HOST);
        awaitBlockDevice();
        copy(image, mux.blockDevice());
        switchTo(Mode.DUT);
    }

    public void switchTo(Mode mode) {
        switchCommand(mux, mode).run(where() + "cannot switch to " + mode, TOOL_TIMEOUT);
    }

    private void awaitBlockDevice() {
        long deadline = System.nanoTime() + APPEAR_TIMEOUT.toNanos();
        while (!Files.exists(mux.blockDevice())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(where() + mux.blockDevice() + " did not appear within "
                        + APPEAR_TIMEOUT.toSeconds() + " s of switching to the host");
            }
            LockSupport.parkNanos(100_000_000L);
        }
    }

    /** Copies the whole image onto the device from its first byte and forces it out. */
    static void copy(Path image, Path device) {
        try (FileChannel in = FileChannel.open(image, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(device, StandardOpenOption.WRITE)) {
            long size = in.size();
            long done = 0;
            while (done < size) {
                done += out.transferFrom(in, done, size - done);
            }
            out.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("sd-mux: cannot write " + image + " to " + device + ": " + e.getMessage(), e);
        }
    }

    private String where() {
        return "sd-mux " + mux.control() + ": ";
    }
}
