package dev.hearth.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Stopping with SIGTERM is clean, what a service stored is there after a restart, and a second
 * process cannot take a state directory in use.
 */
class RestartIT {

    @Test
    void sigtermStopsCleanlyNotesSurviveARestartAndTheStateDirectoryHasOneUser() throws Exception {
        Path home = DistributionProcess.built();
        Path work = DistributionProcess.workFolder("restart");
        Path state = work.resolve("state");
        int gatewayPort = DistributionProcess.freePort();
        int adminPort = DistributionProcess.freePort();
        String[] args = {"demo", "--gateway-port", Integer.toString(gatewayPort), "--admin-port",
                Integer.toString(adminPort), "--broker-port", Integer.toString(DistributionProcess.freePort()),
                "--state", state.toString()};
        URI notes = URI.create("http://127.0.0.1:" + gatewayPort + "/notes/");

        String id;
        try (DistributionProcess first = DistributionProcess.start(home, work.resolve("first.log"), args)) {
            first.awaitAdmin(adminPort);
            // The admin endpoint may answer before the services are deployed.
            first.await("the userland running", DistributionProcess.START_DEADLINE,
                    () -> first.output().contains("Userland running"));
            HttpResponse<String> created = first.send(HttpRequest.newBuilder(notes)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"keys\",\"body\":\"under the mat\"}"))
                    .build());
            assertEquals(201, created.statusCode(), created.body());
            id = (String) DistributionProcess.json(created.body()).get("id");

            assertEquals(0, first.terminate(), first.output());
            assertTrue(first.output().contains("Userland stopped"), first.output());
        }

        try (DistributionProcess second = DistributionProcess.start(home, work.resolve("second.log"), args)) {
            second.awaitAdmin(adminPort);
            // The admin endpoint may answer before the services are deployed.
            second.await("the userland running", DistributionProcess.START_DEADLINE,
                    () -> second.output().contains("Userland running"));
            try (DistributionProcess third = DistributionProcess.start(home, work.resolve("third.log"), "run",
                    "--state", state.toString(), "--gateway-port", "0", "--admin-port", "0")) {
                assertEquals(1, third.awaitExit(DistributionProcess.STOP_DEADLINE), third.output());
                assertTrue(third.output().contains("hearth: cannot start: state directory " + state
                        + " is in use by another Hearth process"), third.output());
            }
            HttpResponse<String> read = second.send(HttpRequest.newBuilder(notes.resolve(id)).GET().build());

            assertEquals(200, read.statusCode(), read.body());
            Map<String, Object> note = DistributionProcess.json(read.body());
            assertEquals("keys", note.get("title"));
            assertEquals("under the mat", note.get("body"));
            assertEquals(0, second.terminate(), second.output());
        }
    }
}
