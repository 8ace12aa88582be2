package dev.hearth.gateway;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Where the admin endpoint listens. It manages every service, so it listens on loopback only: a
 * host that is not a loopback address (or {@code localhost}) is refused. Validated without I/O.
 *
 * @param host the loopback address to bind: {@code 127.0.0.1}, {@code ::1}, {@code localhost}, …
 * @param port the port to bind, 0 for an ephemeral one
 */
public record AdminSettings(String host, int port) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8081;

    /** Admin requests are small: these limits are not configurable. */
    static final int READ_TIMEOUT_MILLIS = 30_000;
    static final int MAX_INITIAL_LINE_LENGTH = 4_096;
    static final int MAX_HEADER_SIZE = 8_192;

    public AdminSettings {
        require(host != null && !host.isBlank(), "host", "must not be empty");
        require(isLoopback(host), "host",
                "must be a loopback address (127.0.0.1, ::1 or localhost): the admin endpoint is never exposed, was '"
                        + host + "'");
        require(port >= 0 && port <= 65_535, "port", "must be 0..65535, was " + port);
    }

    public static AdminSettings defaults() {
        return new AdminSettings(DEFAULT_HOST, DEFAULT_PORT);
    }

    public AdminSettings withPort(int port) {
        return new AdminSettings(host, port);
    }

    ListenerSettings listener() {
        return new ListenerSettings("admin endpoint", host, port, READ_TIMEOUT_MILLIS, MAX_INITIAL_LINE_LENGTH,
                MAX_HEADER_SIZE, 1);
    }

    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        byte[] address = NetUtil.createByteArrayFromIpAddressString(host);
        if (address == null) {
            return false;
        }
        try {
            return InetAddress.getByAddress(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false; // only thrown for an address of illegal length, which the parser never returns
        }
    }

    private static void require(boolean ok, String field, String problem) {
        if (!ok) {
            throw new IllegalArgumentException("admin endpoint settings: '" + field + "' " + problem);
        }
    }
}
