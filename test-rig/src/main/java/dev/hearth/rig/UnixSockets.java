package dev.hearth.rig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** Connections to QEMU's Unix sockets (console, QMP). */
final class UnixSockets {

    private UnixSockets() {
    }

    /**
     * A channel connected to {@code socket}; nothing left open when it fails. A socket whose file
     * exists but that nobody listens on yet gives an {@link UncheckedIOException} caused by a
     * {@link java.net.ConnectException}.
     */
    static SocketChannel connect(Path socket, String who) {
        SocketChannel c;
        try {
            c = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            throw new UncheckedIOException(who + ": cannot open a socket: " + e.getMessage(), e);
        }
        try {
            c.connect(UnixDomainSocketAddress.of(socket));
            return c;
        } catch (IOException e) {
            try {
                c.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UncheckedIOException(who + ": cannot connect to " + socket + ": " + e.getMessage(), e);
        }
    }
}
