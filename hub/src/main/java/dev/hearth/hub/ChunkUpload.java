package dev.hearth.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.agent.wire.Method;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongConsumer;
import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * Sends an update bundle from a file to a device as OTA-V1 chunks, for devices that cannot fetch it
 * from a web server: {@code EXEC install} with {@code {"source": "chunks", "size", "sha256", "force"}}
 * opens a transfer, then one {@code EXEC chunk} per piece (metrics {@code transfer}, {@code offset}; the
 * bytes as the body), each sent once the previous one is acknowledged: the device acknowledges a chunk
 * when its installer has room for it, so the hub goes at the installer's pace. The file is read as it
 * is sent; the install's progress and outcome come as NOTIFY messages ({@link HubClient#notifications}).
 */
public final class ChunkUpload {

    public static final String APP = "OTA-V1";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How the upload went.
     *
     * @param complete whether every byte was acknowledged
     * @param transfer the device's transfer id; empty when the install was not accepted
     * @param sent     bytes acknowledged
     * @param size     the bundle's bytes
     * @param reply    the last reply: the refusal when not complete
     */
    public record Outcome(boolean complete, String transfer, long sent, long size, Reply reply) { }

    private ChunkUpload() {
    }

    /**
     * @param timeout  how long to wait for each reply
     * @param progress told the bytes acknowledged after each chunk
     */
    public static Outcome send(HubClient hub, String device, Path bundle, boolean force, Duration timeout,
                               LongConsumer progress) throws IOException, CommandTimeoutException, MqttException {
        return send(hub, device, bundle, force, 0, timeout, progress);
    }

    /**
     * @param maxChunk the largest chunk to send (for brokers with a small message limit); 0: the device's
     * @param timeout  how long to wait for each reply
     * @param progress told the bytes acknowledged after each chunk
     */
    public static Outcome send(HubClient hub, String device, Path bundle, boolean force, int maxChunk, Duration timeout,
                               LongConsumer progress) throws IOException, CommandTimeoutException, MqttException {
        long size = Files.size(bundle);
        Map<String, Object> install = new LinkedHashMap<>();
        install.put("source", "chunks");
        install.put("size", size);
        install.put("sha256", sha256(bundle));
        install.put("force", force);
        Reply accepted = hub.call(device, APP, Method.EXEC, "install", Map.of(), JSON.writeValueAsBytes(install), timeout);
        if (!accepted.ok()) {
            return new Outcome(false, "", 0, size, accepted);
        }
        JsonNode body = JSON.readTree(accepted.body());
        String transfer = body.path("transfer").asText("");
        int deviceChunk = body.path("chunkSize").asInt(0);
        int chunkSize = maxChunk > 0 ? Math.min(maxChunk, deviceChunk) : deviceChunk;
        if (transfer.isEmpty() || deviceChunk <= 0) {
            throw new IOException("OTA-V1 install on '" + device + "': the reply names no transfer and chunk size: "
                    + accepted.body());
        }
        Reply last = accepted;
        long offset = 0;
        try (InputStream in = Files.newInputStream(bundle)) {
            while (offset < size) {
                byte[] chunk = in.readNBytes((int) Math.min(chunkSize, size - offset));
                if (chunk.length == 0) {
                    throw new IOException(bundle + " shrank to " + offset + " bytes while being sent");
                }
                Map<String, Object> metrics = new LinkedHashMap<>();
                metrics.put("transfer", transfer);
                metrics.put("offset", offset);
                last = hub.call(device, APP, Method.EXEC, "chunk", metrics, chunk, timeout);
                if (!last.ok()) {
                    return new Outcome(false, transfer, offset, size, last);
                }
                offset += chunk.length;
                progress.accept(offset);
            }
        }
        return new Outcome(true, transfer, offset, size, last);
    }

    /** The file's SHA-256 in hex. */
    static String sha256(Path file) throws IOException {
        MessageDigest d;
        try {
            d = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                d.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
