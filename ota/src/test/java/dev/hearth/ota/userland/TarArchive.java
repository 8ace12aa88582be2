package dev.hearth.ota.userland;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes tar archives entry by entry, for entries real tools are reluctant to make (traversal, links). */
final class TarArchive {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    TarArchive file(String name, byte[] content) {
        return entry(name, '0', "", content);
    }

    TarArchive entry(String name, char type, String linkName, byte[] content) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", content.length));
        put(h, 136, "00000000000");
        h[156] = (byte) type;
        put(h, 157, linkName);
        put(h, 257, "ustar");
        put(h, 263, "00");
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        out.writeBytes(h);
        out.writeBytes(content);
        out.writeBytes(new byte[(512 - content.length % 512) % 512]);
        return this;
    }

    /** The archive with its two end blocks. */
    byte[] bytes() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(out.toByteArray());
        all.writeBytes(new byte[1024]);
        return all.toByteArray();
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, h, at, b.length);
    }
}
