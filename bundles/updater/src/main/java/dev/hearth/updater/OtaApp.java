package dev.hearth.updater;

import dev.hearth.agent.api.App;
import dev.hearth.agent.api.Notifier;
import dev.hearth.agent.api.Request;
import dev.hearth.agent.api.Response;
import dev.hearth.ota.install.FileUpdateSource;
import dev.hearth.ota.install.HttpUpdateSource;
import dev.hearth.ota.install.InstallerState;
import dev.hearth.ota.install.UpdateSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * OTA-V1: EXEC install (answers at once, NOTIFY {@value #NOTIFY_TYPE} with progress and the outcome),
 * GET status, EXEC mark-good, mark-bad, rollback.
 */
public final class OtaApp implements App {

    public static final String ID = "OTA-V1";
    /** The last topic level of install progress notifications. */
    public static final String NOTIFY_TYPE = "install";

    private final Updater updater;

    public OtaApp(Updater updater) {
        this.updater = updater;
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
