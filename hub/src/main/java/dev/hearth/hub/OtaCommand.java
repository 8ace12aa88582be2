package dev.hearth.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.hearth.agent.wire.Method;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hearth hub ota}: OTA-V1, the device's A/B updates. {@code install} from a URL the device
 * fetches, or from a file sent as chunks over MQTT ({@link ChunkUpload}); it prints the device's
 * progress notifications and exits 0 only when the update is INSTALLED. {@code status},
 * {@code mark-good}, {@code mark-bad}, {@code rollback}.
 */
@Command(name = "ota", description = "A/B updates of a device (OTA-V1).",
        subcommands = {OtaCommand.Install.class, OtaCommand.Status.class, OtaCommand.MarkGood.class,
                OtaCommand.MarkBad.class, OtaCommand.Rollback.class})
final class OtaCommand {

    static final String APP = ChunkUpload.APP;
    /** The last topic level of the device's install notifications. */
    static final String NOTIFY_TYPE = "install";

    abstract static class Sub {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        HubCommand hub() {
            return (HubCommand) spec.root().userObject();
        }
    }

    @Command(name = "install", description = "Install an update bundle (.hup) into the device's inactive slot, from a URL "
            + "the device fetches or from a file sent as chunks over MQTT; prints progress; exit 0 only when INSTALLED.")
    static final class Install extends Sub implements Callable<Integer> {
        @Parameters(index = "0", description = "Device client id") String device;
        @CommandLine.ArgGroup(exclusive = true, multiplicity = "1") Source source;
        @Option(names = "--force", description = "Install even below the device's anti-rollback counter") boolean force;
        @Option(names = "--chunk-size", defaultValue = "0", description = "Largest chunk to send, in bytes (default: the device's, 128 KiB; "
                + "lower it for brokers with a small message limit)") int chunkSize;
        @Option(names = "--wait", defaultValue = "PT10M", converter = HubCommand.DurationConverter.class,
                description = "How long to follow the install (default 10m)") Duration wait;

        static final class Source {
            @Option(names = "--url", required = true, description = "http(s) or file URL of the bundle, as the device sees it") String url;
            @Option(names = "--file", required = true, description = "A bundle file here, sent as chunks over MQTT") Path file;
        }

        @Override
        public Integer call() throws Exception {
            HubCommand hub = hub();
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            CompletableFuture<Notification> outcome = new CompletableFuture<>();
            try (HubClient client = hub.connect()) {
                client.notifications(n -> {
                    if (!n.device().equals(device) || !n.appId().equals(APP) || !n.type().equals(NOTIFY_TYPE)) {
                        return;
                    }
                    print(out, hub.json, n);
                    if (n.payload().string("detail").isPresent()) {
                        outcome.complete(n);
                    }
                });
                String chunkRefused = "";
                if (source.url != null) {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("url", source.url);
                    body.put("force", force);
                    Reply r = client.call(device, APP, Method.EXEC, "install", Map.of(),
                            HubCommand.JSON.writeValueAsBytes(body), hub.timeout);
                    if (!r.ok()) {
                        err.println("hub: " + device + " answered " + r.code() + ": " + r.message());
                        return HubCommand.REFUSED;
                    }
                } else {
                    ChunkUpload.Outcome sent = ChunkUpload.send(client, device, source.file, force, chunkSize,
                            hub.timeout, bytes -> { });
                    if (!sent.complete()) {
                        chunkRefused = "hub: " + device + " answered " + sent.reply().code() + ": " + sent.reply().message();
                        if (sent.transfer().isEmpty()) {
                            err.println(chunkRefused);
                            return HubCommand.REFUSED; // the install never started
                        }
                        // A bundle refused or failed by the installer ends the transfer: its outcome says why.
                    } else {
                        synchronized (out) {
                            if (hub.json) {
                                out.println("{\"transfer\":\"" + sent.transfer() + "\",\"sent\":" + sent.sent() + "}");
                            } else {
                                out.println("sent " + sent.sent() + " bytes in transfer " + sent.transfer());
                            }
                            out.flush();
                        }
                    }
                }
                Notification end;
                try {
                    end = outcome.get(wait.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (!chunkRefused.isEmpty()) {
                        err.println(chunkRefused);
                    }
                    throw new CommandTimeoutException(device, "the end of OTA-V1 install", wait);
                }
                String state = end.payload().string("state").orElse("?");
                if (state.equals("ERROR") && !chunkRefused.isEmpty()) {
                    err.println(chunkRefused);
                }
                if (!state.equals("INSTALLED")) {
                    err.println("hub: " + device + ": install " + state + ": " + end.payload().string("detail").orElse(""));
                    return HubCommand.REFUSED;
                }
                return 0;
            }
        }

        private static void print(PrintWriter out, boolean json, Notification n) {
            synchronized (out) {
                if (json) {
                    try {
                        out.println(HubCommand.JSON.copy().disable(SerializationFeature.INDENT_OUTPUT)
                                .writeValueAsString(n.payload().metrics()));
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException("hub: a notification as JSON: " + e.getMessage(), e);
                    }
                } else {
                    String state = n.payload().string("state").orElse("?");
                    String detail = n.payload().string("detail").orElse("");
                    if (!detail.isEmpty()) {
                        out.println(state + ": " + detail);
                    } else {
                        out.println(state + " " + n.payload().whole("percent").orElse(0L) + "% ("
                                + n.payload().whole("bytes.done").orElse(0L) + " of "
                                + n.payload().whole("bytes.total").orElse(0L) + " payload bytes)");
                    }
                }
                out.flush();
            }
        }
    }

    @Command(name = "status", description = "The device's update status: slots, boot order, versions, the last result.")
    static final class Status extends Sub implements Callable<Integer> {
        @Parameters(index = "0", description = "Device client id") String device;

        @Override
        public Integer call() throws Exception {
            return hub().call(spec, device, APP, Method.GET, "status", Map.of(), new byte[0], (out, body) -> {
                List<List<String>> rows = new ArrayList<>();
                body.fields().forEachRemaining(f -> rows.add(List.of(f.getKey(), text(f.getValue()))));
                HubCommand.table(out, List.of("FIELD", "VALUE"), rows);
            });
        }

        private static String text(JsonNode v) {
            if (v.isArray()) {
                List<String> items = new ArrayList<>();
                v.forEach(i -> items.add(i.asText()));
                return String.join(" ", items);
            }
            if (v.isObject()) {
                List<String> items = new ArrayList<>();
                v.fields().forEachRemaining(f -> items.add(f.getKey() + "=" + f.getValue().asText()));
                return String.join(" ", items);
            }
            return v.asText();
        }
    }

    @Command(name = "mark-good", description = "Mark the running slot good (full boot attempts; commits a pending update in it).")
    static final class MarkGood extends Sub implements Callable<Integer> {
        @Parameters(index = "0", description = "Device client id") String device;

        @Override
        public Integer call() throws Exception {
            return hub().call(spec, device, APP, Method.EXEC, "mark-good", Map.of(), new byte[0], OtaCommand::result);
        }
    }

    @Command(name = "mark-bad", description = "Mark a slot bad (no attempts, out of the boot order); refused when nothing would be left to boot.")
    static final class MarkBad extends Sub implements Callable<Integer> {
        @Parameters(index = "0", description = "Device client id") String device;
        @Option(names = "--slot", description = "Boot name of the slot (default: the running one)") String slot;

        @Override
        public Integer call() throws Exception {
            byte[] body = slot == null ? new byte[0] : HubCommand.JSON.writeValueAsBytes(Map.of("slot", slot));
            return hub().call(spec, device, APP, Method.EXEC, "mark-bad", Map.of(), body, OtaCommand::result);
        }
    }

    @Command(name = "rollback", description = "Boot the other slot next and reboot; refused when it is marked bad.")
    static final class Rollback extends Sub implements Callable<Integer> {
        @Parameters(index = "0", description = "Device client id") String device;

        @Override
        public Integer call() throws Exception {
            return hub().call(spec, device, APP, Method.EXEC, "rollback", Map.of(), new byte[0], OtaCommand::result);
        }
    }

    private static void result(PrintWriter out, JsonNode body) {
        out.println(body.path("result").asText());
    }
}
