package dev.hearth.updater;

import dev.hearth.ota.Manifest;
import dev.hearth.ota.UpdateBundleReader;
import dev.hearth.ota.install.UpdateSource;
import dev.hearth.ota.userland.UserlandInstaller;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * An update source opened once to look at its manifest (unverified: only to choose the slot installer
 * or the userland installer, which verify everything), then handed on as a source whose one
 * {@link #open()} replays the stream from its first byte. Sources that can be read only once (chunks)
 * are read once. When opening failed, {@link #open()} throws that failure.
 */
final class PeekedUpdateSource implements UpdateSource {

    /** Header, manifest (at most 64 MiB) and signature (at most 1 MiB) fit. */
    private static final int MARK_LIMIT = 66 << 20;

    private final UpdateSource source;
    private final boolean userland;
    private InputStream stream;
    private IOException failure;

    private PeekedUpdateSource(UpdateSource source, boolean userland, InputStream stream, IOException failure) {
        this.source = source;
        this.userland = userland;
        this.stream = stream;
        this.failure = failure;
    }

    /** Opens {@code source} and reads its manifest. Never throws: a failure to open is thrown by {@link #open()}. */
    static PeekedUpdateSource peek(UpdateSource source) {
        InputStream in;
        try {
            in = new BufferedInputStream(source.open(), 1 << 16);
        } catch (IOException e) {
            return new PeekedUpdateSource(source, false, null, e);
        }
        in.mark(MARK_LIMIT);
        boolean userland;
        try {
            UpdateBundleReader reader = new UpdateBundleReader(in);
            userland = UserlandInstaller.carriesUserland(Manifest.parse(reader.manifestBytes()));
        } catch (IOException | IllegalArgumentException e) {
            userland = false; // not readable as a bundle: the slot installer refuses it with the reason
        }
        try {
            in.reset();
        } catch (IOException e) {
            return new PeekedUpdateSource(source, false, null,
                    new IOException("update bundle: cannot replay the header after reading the manifest", e));
        }
        return new PeekedUpdateSource(source, userland, in, null);
    }

    /** Whether the manifest names a payload of slot class {@code userland}. */
    boolean userland() {
        return userland;
    }

    @Override
    public synchronized InputStream open() throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (stream == null) {
            throw new IllegalStateException("update source " + source + ": opened already");
        }
        InputStream s = stream;
        stream = null;
        return s;
    }

    @Override
    public String toString() {
        return source.toString();
    }
}
