package dev.hearth.ota.boot;

import dev.hearth.ota.BlockDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * A U-Boot environment in the checksummed format that {@code env import -c}, {@code fw_printenv}
 * and {@code fw_setenv} use: a CRC32 (little-endian) over the data area, then
 * {@code name=value\0…\0\0} padded with zeros to the environment size.
 *
 * <p>With two copies it is U-Boot's redundant environment as libubootenv lays it out: each copy is
 * CRC32, one flags byte (a counter that grows by one with every write, 255 wraps to 0), then the
 * data. The reader takes the valid copy with the newer counter; a write goes to the other copy,
 * with the counter one higher, and is forced before it returns. A power cut during a write can
 * only damage the copy being written, whose CRC then fails: the reader gets the previous state.
 * The matching {@code fw_env.config} has one line per copy: {@code <device> <offset> <size>}.
 */
public final class UBootEnvironment {

    /** Where one copy lives: a device (or file) and the byte offset in it. */
    public record Copy(Path device, long offset) {
        public Copy {
            Objects.requireNonNull(device, "environment copy device");
            if (offset < 0) {
                throw new IllegalArgumentException("environment copy offset must not be negative");
            }
        }
    }

    /** The environment size U-Boot and this board use unless told otherwise. */
    public static final int DEFAULT_SIZE = 0x4000;

    private final List<Copy> copies;
    private final int size;
    private final BlockDevice.Opener opener;

    /** One copy (not power-fail safe) or two copies (redundant), each {@code size} bytes. */
    public UBootEnvironment(List<Copy> copies, int size, BlockDevice.Opener opener) {
        this.copies = List.copyOf(copies);
        this.size = size;
        this.opener = Objects.requireNonNull(opener, "opener");
        if (this.copies.size() != 1 && this.copies.size() != 2) {
            throw new IllegalArgumentException("a U-Boot environment has one or two copies, not " + this.copies.size());
        }
        if (size < 64) {
            throw new IllegalArgumentException("environment size " + size + " is too small");
        }
    }

    public boolean redundant() {
        return copies.size() == 2;
    }

    /** The {@code fw_env.config} text that makes libubootenv read and write these copies. */
    public String fwEnvConfig() {
        StringBuilder b = new StringBuilder();
        for (Copy c : copies) {
            b.append(c.device()).append(" 0x").append(Long.toHexString(c.offset())).append(" 0x")
                    .append(Integer.toHexString(size)).append('\n');
        }
        return b.toString();
    }

    /** The variables of the newest valid copy; empty when no copy is valid. */
    public Optional<SortedMap<String, String>> read() throws IOException {
        Optional<Image> newest = newest(readImages());
        return newest.map(Image::variables);
    }

    /** Writes {@code variables} as the new state: into the older copy, then forces it. */
    public void write(Map<String, String> variables) throws IOException {
        if (!redundant()) {
            writeImage(copies.get(0), encode(variables, size, -1));
            return;
        }
        List<Optional<Image>> images = readImages();
        Optional<Image> newest = newest(images);
        int target;
        int flags;
        if (newest.isEmpty()) {
            target = 0;
            flags = 1;
        } else {
            target = 1 - newest.get().index();
            flags = (newest.get().flags() + 1) & 0xff;
        }
        writeImage(copies.get(target), encode(variables, size, flags));
    }

    private record Image(int index, int flags, SortedMap<String, String> variables) {
    }

    private List<Optional<Image>> readImages() throws IOException {
        List<Optional<Image>> images = new ArrayList<>();
        for (int i = 0; i < copies.size(); i++) {
            Copy c = copies.get(i);
            ByteBuffer buf = ByteBuffer.allocate(size);
            try (BlockDevice d = opener.open(c.device())) {
                d.read(c.offset(), buf);
            } catch (IOException e) {
                throw new IOException("U-Boot environment: cannot read copy " + i + " at " + c.device() + "@" + c.offset(), e);
            }
            int index = i;
            images.add(decode(buf.array(), redundant()).map(d -> new Image(index, d.flags, d.variables)));
        }
        return images;
    }

    private void writeImage(Copy c, byte[] image) throws IOException {
        try (BlockDevice d = opener.open(c.device())) {
            d.write(c.offset(), ByteBuffer.wrap(image));
            d.force();
        } catch (IOException e) {
            throw new IOException("U-Boot environment: cannot write " + c.device() + "@" + c.offset(), e);
        }
    }

    /** The newer of two valid copies as libubootenv and U-Boot pick it: higher counter, 0 beats 255, copy 0 on a tie. */
    private static Optional<Image> newest(List<Optional<Image>> images) {
        if (images.size() == 1 || images.get(1).isEmpty()) {
            return images.get(0);
        }
        if (images.get(0).isEmpty()) {
            return images.get(1);
        }
        int f0 = images.get(0).get().flags();
        int f1 = images.get(1).get().flags();
        if (f0 == 0xff && f1 == 0) {
            return images.get(1);
        }
        if (f1 == 0xff && f0 == 0) {
            return images.get(0);
        }
        return f1 > f0 ? images.get(1) : images.get(0);
    }

    /** Encodes an image: CRC32 LE, the flags byte when {@code flags >= 0}, then the data area. */
    public static byte[] encode(Map<String, String> variables, int size, int flags) {
        int header = flags >= 0 ? 5 : 4;
        byte[] image = new byte[size];
        int at = header;
        for (Map.Entry<String, String> e : new TreeMap<>(variables).entrySet()) {
            String name = e.getKey();
            String value = e.getValue();
            if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("U-Boot environment: invalid variable '" + name + "'");
            }
            byte[] entry = (name + "=" + value).getBytes(StandardCharsets.UTF_8);
            if (at + entry.length + 2 > size) {
                throw new IllegalArgumentException("U-Boot environment: variables exceed " + size + " bytes");
            }
            System.arraycopy(entry, 0, image, at, entry.length);
            at += entry.length + 1;
        }
        CRC32 crc = new CRC32();
        crc.update(image, header, size - header);
        ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putInt(0, (int) crc.getValue());
        if (flags >= 0) {
            image[4] = (byte) flags;
        }
        return image;
    }

    private record Decoded(int flags, SortedMap<String, String> variables) {
    }

    private static Optional<Decoded> decode(byte[] image, boolean redundant) {
        int header = redundant ? 5 : 4;
        CRC32 crc = new CRC32();
        crc.update(image, header, image.length - header);
        int stored = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (stored != (int) crc.getValue()) {
            return Optional.empty();
        }
        SortedMap<String, String> vars = new TreeMap<>();
        int at = header;
        while (at < image.length && image[at] != 0) {
            int end = at;
            while (end < image.length && image[end] != 0) {
                end++;
            }
            String entry = new String(image, at, end - at, StandardCharsets.UTF_8);
            int eq = entry.indexOf('=');
            if (eq > 0) {
                vars.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
            at = end + 1;
        }
        return Optional.of(new Decoded(redundant ? image[4] & 0xff : -1, Collections.unmodifiableSortedMap(vars)));
    }
}
