package dev.hearth.updater;

import dev.hearth.agent.api.App;
import dev.hearth.agent.api.Notifier;
import dev.hearth.agent.api.Request;
import dev.hearth.agent.api.Response;
import dev.hearth.ota.install.ChunkReceipt;
import dev.hearth.ota.install.ChunkUpdateSource;
import dev.hearth.ota.install.FileUpdateSource;
import dev.hearth.ota.install.HttpUpdateSource;
import dev.hearth.ota.install.InstallerState;
import dev.hearth.ota.install.UpdateSource;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * OTA-V1: EXEC install from a URL or from chunks (answers at once, NOTIFY {@value #NOTIFY_TYPE} with
 * progress and the outcome), EXEC chunk (answered once the chunk is in the pipe to the installer: the
 * hub's pace), GET status, EXEC mark-good, mark-bad, rollback.
 */
public final class OtaApp implements App {

    public static final String ID = "OTA-V1";
    /** The last topic level of install progress notifications. */
    public static final String NOTIFY_TYPE = "install";

    /** The largest chunk taken (the agent's default request limit is 256 KiB). */
    public static final int MAX_CHUNK = 128 * 1024;
    /** Bytes that may wait between the chunks received and the installer. */
    static final long PIPE_BYTES = 16L * MAX_CHUNK;
    public static final Duration DEFAULT_CHUNK_TIMEOUT = Duration.ofSeconds(30);

    private final Updater updater;
    private final Duration chunkTimeout;
    private final AtomicReference<Optional<ChunkUpdateSource>> transfer = new AtomicReference<>(Optional.empty());

    public OtaApp(Updater updater) {
        this(updater, DEFAULT_CHUNK_TIMEOUT);
    }

    /** @param chunkTimeout how long an install from chunks waits for the next chunk before it ends with ERROR */
    public OtaApp(Updater updater, Duration chunkTimeout) {
        this.updater = updater;
        this.chunkTimeout = chunkTimeout;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Response handle(Request request) {
        return UpdateCommand.parse(request).route(new UpdateCommand.Routes<>() {
            @Override
            public Response install(UpdateCommand.Install c) {
                UpdateSource source = c.url().getScheme().equals("file") ? new FileUpdateSource(Path.of(c.url()))
                        : HttpUpdateSource.of(c.url());
                try {
                    updater.install(source, c.force(), new Progress(request.notifier()));
                } catch (IllegalStateException e) {
                    return Response.badRequest(e.getMessage());
                }
                return Response.json(Map.of("accepted", true, "url", c.url().toString(), "force", c.force()));
            }

            @Override
            public Response installChunks(UpdateCommand.InstallChunks c) {
                String id = UUID.randomUUID().toString().substring(0, 8);
                ChunkUpdateSource source = new ChunkUpdateSource(id, c.size(), c.sha256(), MAX_CHUNK, PIPE_BYTES, chunkTimeout);
                try {
                    updater.install(source, c.force(), new Progress(request.notifier()));
                } catch (IllegalStateException e) {
                    return Response.badRequest(e.getMessage());
                }
                transfer.set(Optional.of(source));
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("accepted", true);
                body.put("source", "chunks");
                body.put("transfer", id);
                body.put("size", c.size());
                body.put("chunkSize", MAX_CHUNK);
                body.put("force", c.force());
                return Response.json(body);
            }

            @Override
            public Response chunk(UpdateCommand.Chunk c) {
                Optional<ChunkUpdateSource> open = transfer.get().filter(t -> t.id().equals(c.transfer()));
                if (open.isEmpty()) {
                    return Response.badRequest("OTA-V1 chunk: no transfer '" + c.transfer() + "'"
                            + transfer.get().map(t -> " (the last one is " + t.id() + ", " + t.state() + ")").orElse(""));
                }
                ChunkReceipt receipt;
                try {
                    receipt = open.get().accept(c.offset(), c.bytes());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Response.badRequest("OTA-V1 chunk: the agent is stopping; chunk at " + c.offset() + " not taken");
                }
                if (receipt instanceof ChunkReceipt.Rejected r) {
                    return Response.badRequest("OTA-V1 chunk: " + r.reason());
                }
                ChunkReceipt.Accepted a = (ChunkReceipt.Accepted) receipt;
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("transfer", c.transfer());
                body.put("received", a.received());
                body.put("size", a.size());
                return Response.json(body);
            }

            @Override
            public Response status(UpdateCommand.Status c) {
                try {
                    return Response.json(updater.status());
                } catch (IOException e) {
                    return Response.error("OTA-V1 status", e);
                }
            }

            @Override
            public Response markGood(UpdateCommand.MarkGood c) {
                return act(() -> updater.markGood());
            }

            @Override
            public Response markBad(UpdateCommand.MarkBad c) {
                return act(() -> updater.markBad(c.slot().orElse(updater.settings().bootedSlot())));
            }

            @Override
            public Response rollback(UpdateCommand.Rollback c) {
                return act(updater::rollback);
            }

            @Override
            public Response refused(UpdateCommand.Refused c) {
                return c.response();
            }
        });
    }

    private interface Action {
        String run() throws IOException;
    }

    private static Response act(Action action) {
        try {
            return Response.json(Map.of("result", action.run()));
        } catch (IllegalStateException | IllegalArgumentException e) {
            return Response.badRequest(e.getMessage());
        } catch (IOException e) {
            return Response.error("OTA-V1: the boot selection or the update record", e);
        }
    }

    /** Sends a notification when the state changes or every 5 % of the payload bytes. */
    private static final class Progress implements InstallListener {
        private final Notifier notifier;
        private InstallerState lastState;
        private long lastPercent = -1;

        Progress(Notifier notifier) {
            this.notifier = notifier;
        }

        @Override
        public void report(InstallerState state, long bytesDone, long bytesTotal) {
            long percent = bytesTotal == 0 ? 0 : bytesDone * 100 / bytesTotal;
            if (state == lastState && percent < lastPercent + 5) {
                return;
            }
            lastState = state;
            lastPercent = percent;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("state", state.name());
            m.put("bytes.done", bytesDone);
            m.put("bytes.total", bytesTotal);
            m.put("percent", (int) percent);
            notifier.notify(NOTIFY_TYPE, m);
        }

        @Override
        public void finished(String outcome, String detail) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("state", outcome);
            m.put("detail", detail);
            notifier.notify(NOTIFY_TYPE, m);
        }
    }
}
