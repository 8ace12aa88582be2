package dev.hearth.ota;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds signed update bundles from in-memory payloads for tests. */
public final class Bundles {

    private final Path dir;
    private final Map<String, byte[]> contents = new LinkedHashMap<>();
    private final Map<String, String> classes = new LinkedHashMap<>();
    private String board = "test-board";
    private String version = "2.0";
    private long counter = 2;
    private int blockSize = 4096;

    public Bundles(Path dir) {
        this.dir = dir;
    }

    public Bundles payload(String name, String slotClass, byte[] content) {
        contents.put(name, content);
        classes.put(name, slotClass);
        return this;
    }

    public Bundles board(String b) {
        board = b;
        return this;
    }

    public Bundles version(String v, long c) {
        version = v;
        counter = c;
        return this;
    }

    public Bundles blockSize(int b) {
        blockSize = b;
        return this;
    }

    public Manifest manifest() throws IOException {
        List<Payload> payloads = new ArrayList<>();
        for (String name : contents.keySet()) {
            payloads.add(UpdateBundleWriter.describe(name, classes.get(name), file(name), blockSize));
        }
        return Manifest.of(board, version, counter, payloads);
    }

    /** The bundle bytes, signed by {@code key} at {@code signingTime}. */
    public byte[] signed(SigningKey key, Instant signingTime) throws IOException {
        byte[] json = manifest().toJson();
        return bytes(json, ManifestSigner.sign(json, key, signingTime));
    }

    public byte[] bytes(byte[] manifestJson, byte[] signature) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, manifestJson, signature);
        return out.toByteArray();
    }

    public void write(OutputStream out, byte[] manifestJson, byte[] signature) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String name : contents.keySet()) {
            files.add(file(name));
        }
        UpdateBundleWriter.write(out, manifestJson, signature, files);
    }

    private Path file(String name) throws IOException {
        Path f = dir.resolve("payload-" + name + ".img");
        Files.write(f, contents.get(name));
        return f;
    }
}
