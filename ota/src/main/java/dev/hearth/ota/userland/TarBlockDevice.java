package dev.hearth.ota.userland;

import dev.hearth.ota.BlockDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The target the {@link dev.hearth.ota.install.Installer} writes a {@code userland} payload to: an
 * empty, growing "device" that unpacks the verified bytes, as they arrive in order, from a tar
 * archive into a directory of bundle jars. Nothing is read back (every block counts as changed).
 *
 * <p>Only a flat set of regular {@code *.jar} files is accepted (ustar or GNU tar headers; a leading
 * {@code ./} and the {@code ./} entry itself are allowed). Absolute names, {@code ..}, names in
 * subdirectories, links, devices, other files, extended (pax, GNU long name) headers, a name twice
 * and a bad header checksum each fail with an {@link IOException} naming the entry. Each jar is
 * forced to disk when complete; {@link #force()} fails unless the archive ended properly (two zero
 * blocks, nothing but zeros after), then forces the directory.
 */
final class TarBlockDevice implements BlockDevice {

    private static final int BLOCK = 512;
    private static final Pattern JAR = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,200}\\.jar");

    private final Path directory;
    private final long capacity;
    private final byte[] header = new byte[BLOCK];
    private final Set<String> names = new HashSet<>();
    private int headerFill;
    private long position;
    private long dataLeft;
    private long paddingLeft;
    private int zeroBlocks;
    private FileChannel file;
    private String entry = "";

    /**
     * @param directory an existing, empty directory
     * @param capacity  what {@link #size()} reports: the space the set may take (the payload must fit)
     */
    TarBlockDevice(Path directory, long capacity) {
        this.directory = directory;
        this.capacity = capacity;
    }

    @Override
    public long size() {
        return capacity;
    }

    /** Nothing is read back: the directory starts empty, so every block is written. */
    @Override
    public int read(long at, ByteBuffer dst) {
        return 0;
    }

    @Override
    public void write(long at, ByteBuffer src) throws IOException {
        if (at != position) {
            throw new IOException("userland tar: write at byte " + at + ", expected " + position + " (the tar is unpacked in order)");
        }
        while (src.hasRemaining()) {
            if (zeroBlocks >= 2) {
                requireZeros(src);
            } else if (dataLeft > 0) {
                int n = (int) Math.min(dataLeft, src.remaining());
                ByteBuffer part = src.slice(src.position(), n);
                while (part.hasRemaining()) {
                    file.write(part);
                }
                src.position(src.position() + n);
                position += n;
                dataLeft -= n;
                if (dataLeft == 0) {
                    finishFile();
                }
            } else if (paddingLeft > 0) {
                int n = (int) Math.min(paddingLeft, src.remaining());
                src.position(src.position() + n);
                position += n;
                paddingLeft -= n;
            } else {
                int n = Math.min(BLOCK - headerFill, src.remaining());
                src.get(header, headerFill, n);
                headerFill += n;
                position += n;
                if (headerFill == BLOCK) {
                    headerFill = 0;
                    header();
                }
            }
        }
    }

    private void requireZeros(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            if (src.get() != 0) {
                throw new IOException("userland tar: data after the end of the archive at byte " + position);
            }
            position++;
        }
    }

    private void header() throws IOException {
        if (allZero(header)) {
            zeroBlocks++;
            return;
        }
        if (zeroBlocks > 0) {
            throw new IOException("userland tar: a lone zero block before byte " + (position - BLOCK));
        }
        long at = position - BLOCK;
        String name = text(0, 100);
        boolean ustar = text(257, 6).equals("ustar");
        if (ustar && header[262] == 0) { // POSIX ustar: the name may continue in the prefix field
            String prefix = text(345, 155);
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
        }
        if (!ustar && !text(257, 5).equals("ustar")) {
            throw new IOException("userland tar: no ustar header at byte " + at + " (not a tar archive)");
        }
        requireChecksum(name, at);
        char type = (char) header[156];
        long size = octal(124, 12, name);
        if (name.equals("./") || name.equals(".")) {
            if (type != '5') {
                throw new IOException("userland tar: entry '" + name + "' is not a directory");
            }
            return; // the archive's own top directory (tar -C dir -cf x.tar .)
        }
        String plain = name.startsWith("./") ? name.substring(2) : name;
        switch (type) {
            case '0', '\0' -> { }
            case '1' -> throw refused(name, "is a hard link; only regular *.jar files are accepted");
            case '2' -> throw refused(name, "is a symbolic link; only regular *.jar files are accepted");
            case '5' -> throw refused(name, "is a directory; the set is one flat folder of *.jar files");
            case 'L', 'K' -> throw refused(name, "has a GNU long name or link header; names are at most 100 characters");
            case 'x', 'g' -> throw refused(name, "has a pax extended header, which is not accepted");
            default -> throw refused(name, "is of tar type '" + type + "' (a device, fifo or other special file)");
        }
        if (name.startsWith("/")) {
            throw refused(name, "is an absolute name");
        }
        for (String part : plain.split("/", -1)) {
            if (part.equals("..")) {
                throw refused(name, "leaves the directory (..)");
            }
        }
        if (plain.contains("/")) {
            throw refused(name, "is in a subdirectory; the set is one flat folder of *.jar files");
        }
        if (!JAR.matcher(plain).matches()) {
            throw refused(name, "is not a *.jar file (letters, digits, . _ + - then .jar)");
        }
        if (!names.add(plain)) {
            throw refused(name, "appears twice");
        }
        entry = plain;
        try {
            file = FileChannel.open(directory.resolve(plain), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("userland tar: " + directory.resolve(plain) + " exists already", e);
        }
        dataLeft = size;
        paddingLeft = (BLOCK - size % BLOCK) % BLOCK;
        if (size == 0) {
            finishFile();
        }
    }

    private void finishFile() throws IOException {
        file.force(true);
        file.close();
        file = null;
    }

    private void requireChecksum(String name, long at) throws IOException {
        long stored = octal(148, 8, name);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : header[i] & 0xff;
        }
        if (sum != stored) {
            throw new IOException("userland tar: header of '" + name + "' at byte " + at + " has a bad checksum");
        }
    }

    private long octal(int offset, int length, String name) throws IOException {
        if ((header[offset] & 0x80) != 0) {
            throw refused(name, "is larger than 8 GiB (base-256 size)");
        }
        long value = 0;
        boolean digits = false;
        for (int i = offset; i < offset + length; i++) {
            int b = header[i] & 0xff;
            if (b == 0 || (b == ' ' && digits)) {
                break;
            }
            if (b == ' ') {
                continue;
            }
            if (b < '0' || b > '7') {
                throw new IOException("userland tar: header of '" + name + "' has a malformed number");
            }
            value = value * 8 + (b - '0');
            digits = true;
        }
        return value;
    }

    private String text(int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static IOException refused(String name, String why) {
        return new IOException("userland tar: entry '" + name + "' " + why);
    }

    /** Fails unless the archive is complete; then the directory's entries are made durable. */
    @Override
    public void force() throws IOException {
        if (dataLeft > 0 || paddingLeft > 0 || headerFill > 0 || zeroBlocks < 2) {
            throw new IOException("userland tar: the archive ends early"
                    + (dataLeft > 0 ? " inside '" + entry + "' (" + dataLeft + " bytes missing)" : " (no end-of-archive blocks)"));
        }
        if (names.isEmpty()) {
            throw new IOException("userland tar: the archive holds no *.jar file");
        }
        UserlandStore.forceDirectory(directory);
    }

    @Override
    public void close() throws IOException {
        if (file != null) {
            file.close();
            file = null;
        }
    }

    @Override
    public String toString() {
        return "userland set being unpacked into " + directory;
    }
}
