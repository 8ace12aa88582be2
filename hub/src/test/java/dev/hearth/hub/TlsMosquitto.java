package dev.hearth.hub;

import dev.hearth.testsupport.Mosquitto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto (test-support's {@link Mosquitto}) with only a TLS listener on a free loopback
 * port that requires a client certificate, and the certificates for it made with the
 * {@code openssl} command: a CA, the broker's certificate for IP 127.0.0.1, client certificates,
 * and a second CA that signed nothing the broker presents.
 */
final class TlsMosquitto implements AutoCloseable {

    private final Path directory;
    private final Mosquitto mosquitto;

    TlsMosquitto(Path directory) throws IOException, InterruptedException {
        this.directory = directory;
        ca("ca");
        ca("other-ca");
        signed("server", "127.0.0.1", "subjectAltName=IP:127.0.0.1");
        mosquitto = new Mosquitto(directory, List.of("cafile " + file("ca.pem"), "certfile " + file("server.pem"),
                "keyfile " + file("server.key"), "require_certificate true", "use_identity_as_username true",
                "allow_anonymous false", "set_tcp_nodelay true", "persistence false")).start();
    }

    String url() {
        return "ssl://127.0.0.1:" + mosquitto.port();
    }

    Path file(String name) {
        return directory.resolve(name);
    }

    /** A client certificate {@code <name>.pem} with key {@code <name>.key}, signed by the broker's CA. */
    void client(String name) throws IOException, InterruptedException {
        signed(name, name, "extendedKeyUsage=clientAuth");
    }

    private void ca(String name) throws IOException, InterruptedException {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", file(name + ".key").toString(), "-out", file(name + ".pem").toString(),
                "-days", "2", "-subj", "/CN=hearth test " + name);
    }

    private void signed(String name, String commonName, String extension) throws IOException, InterruptedException {
        Path ext = file(name + ".ext");
        Files.writeString(ext, extension + "\n");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", file(name + ".key").toString(), "-out", file(name + ".csr").toString(),
                "-subj", "/CN=" + commonName);
        openssl("x509", "-req", "-in", file(name + ".csr").toString(), "-CA", file("ca.pem").toString(),
                "-CAkey", file("ca.key").toString(), "-CAcreateserial", "-out", file(name + ".pem").toString(),
                "-days", "2", "-extfile", ext.toString());
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }

    @Override
    public void close() {
        mosquitto.close();
    }
}
