package dev.hearth.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.isolation.injvm.InJvmIsolationDriver;
import dev.hearth.service.ServiceResponse;
import dev.hearth.supervisor.ServiceSpec;
import dev.hearth.supervisor.elastic.ElasticSupervisor;
import dev.hearth.supervisor.elastic.SupervisorEventSink;
import dev.hearth.supervisor.elastic.SupervisorSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AdminEndpointTest {

    private static final List<String> FIELDS = List.of("name", "driver", "image", "state", "instances", "inFlight",
            "queued", "coldStarts", "requests", "rejected", "failures", "activeMillis", "cpuMillis", "peakMemoryBytes",
            "lastError", "targetConcurrency", "minInstances", "maxInstances", "idleTimeoutMillis");

    @TempDir
    Path state;

    private final InJvmIsolationDriver driver = new InJvmIsolationDriver();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private ElasticSupervisor supervisor;
    private AdminEndpoint admin;

    @BeforeEach
    void start() {
        supervisor = new ElasticSupervisor(SupervisorSettings.defaults(state), SupervisorEventSink.NONE);
        supervisor.addDriver(driver);
        driver.addFactory("hello", ctx -> request -> ServiceResponse.json(200, "{\"hello\":true}"));
        supervisor.deploy(ServiceSpec.builder("hello", "injvm", "hello").maxInstances(4).build());
        supervisor.deploy(ServiceSpec.of("other", "injvm", "hello"));
        admin = new AdminEndpoint(AdminSettings.defaults().withPort(0), supervisor);
        admin.start();
    }

    @AfterEach
    void stop() {
        admin.close();
        supervisor.close();
        driver.close();
    }

    @Test
    void theServiceListHasEveryServiceWithItsCountersAndLimits() throws Exception {
        HttpResponse<String> response = send("GET", "/api/services", "");

        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
        JsonNode list = JsonBody.MAPPER.readTree(response.body());
        assertEquals(2, list.size());
        JsonNode hello = list.get(0);
        for (String field : FIELDS) {
            assertTrue(hello.has(field), "has " + field + ": " + hello);
        }
        assertEquals("hello", hello.get("name").asText());
        assertEquals("injvm", hello.get("driver").asText());
        assertEquals("IDLE", hello.get("state").asText());
        assertEquals(4, hello.get("maxInstances").asInt());
        assertEquals("other", list.get(1).get("name").asText());
    }

    @Test
    void oneServiceComesWithItsLogTail() throws Exception {
        HttpResponse<String> response = send("GET", "/api/services/hello", "");

        assertEquals(200, response.statusCode());
        JsonNode hello = JsonBody.MAPPER.readTree(response.body());
        assertEquals("hello", hello.get("name").asText());
        assertTrue(hello.get("logs").isArray());
    }

    @Test
    void anUnknownServiceIs404() throws Exception {
        for (String[] call : new String[][]{{"GET", "/api/services/nope"}, {"DELETE", "/api/services/nope"},
                {"POST", "/api/services/nope/stop"}, {"POST", "/api/services/nope/reset"},
                {"POST", "/api/services/nope/scale?count=1"}}) {
            HttpResponse<String> response = send(call[0], call[1], "");

            assertEquals(404, response.statusCode(), call[0] + " " + call[1]);
            assertTrue(JsonBody.MAPPER.readTree(response.body()).get("error").asText().contains("nope"));
        }
    }

    @Test
    void aPutSpecDeploysTheServiceAndAnswersItsStatus() throws Exception {
        HttpResponse<String> response = send("PUT", "/api/services/fresh",
                "{\"driver\":\"injvm\",\"image\":\"hello\",\"targetConcurrency\":3,\"idleTimeoutMillis\":\"2000\"}");

        assertEquals(200, response.statusCode(), response.body());
        JsonNode fresh = JsonBody.MAPPER.readTree(response.body());
        assertEquals("fresh", fresh.get("name").asText());
        assertEquals(3, fresh.get("targetConcurrency").asInt());
        assertEquals(2000, fresh.get("idleTimeoutMillis").asInt());
        assertEquals(3, supervisor.size());
    }

    @Test
    void anInvalidSpecIsAnswered400NamingTheField() throws Exception {
        HttpResponse<String> response = send("PUT", "/api/services/fresh",
                "{\"driver\":\"injvm\",\"image\":\"hello\",\"targetConcurrency\":0}");

        assertEquals(400, response.statusCode());
        JsonNode error = JsonBody.MAPPER.readTree(response.body());
        assertEquals("targetConcurrency", error.get("field").asText());
        assertTrue(error.get("error").asText().contains("'targetConcurrency'"), error.toString());
        assertEquals(2, supervisor.size());
    }

    @Test
    void anUnknownSpecFieldIsAnswered400NamingIt() throws Exception {
        HttpResponse<String> response = send("PUT", "/api/services/fresh",
                "{\"driver\":\"injvm\",\"image\":\"hello\",\"colour\":\"blue\"}");

        assertEquals(400, response.statusCode());
        assertEquals("colour", JsonBody.MAPPER.readTree(response.body()).get("field").asText());
    }

    @Test
    void aSpecNamingAnotherServiceIsAnswered400() throws Exception {
        HttpResponse<String> response = send("PUT", "/api/services/fresh",
                "{\"name\":\"stale\",\"driver\":\"injvm\",\"image\":\"hello\"}");

        assertEquals(400, response.statusCode());
        assertEquals("name", JsonBody.MAPPER.readTree(response.body()).get("field").asText());
    }

    @Test
    void aBodyThatIsNotAJsonObjectIsAnswered400() throws Exception {
        assertEquals(400, send("PUT", "/api/services/fresh", "[1, 2]").statusCode());
        assertEquals(400, send("PUT", "/api/services/fresh", "{not json").statusCode());
        assertEquals(400, send("PUT", "/api/services/fresh", "").statusCode());
    }

    @Test
    void deletingAServiceAnswers204AndThen404() throws Exception {
        assertEquals(204, send("DELETE", "/api/services/other", "").statusCode());
        assertEquals(404, send("DELETE", "/api/services/other", "").statusCode());
        assertEquals(1, supervisor.size());
    }

    @Test
    void scalingStartsInstancesAheadOfDemand() throws Exception {
        HttpResponse<String> response = send("POST", "/api/services/hello/scale?count=2", "");

        assertEquals(200, response.statusCode());
        assertEquals("hello", JsonBody.MAPPER.readTree(response.body()).get("name").asText());
        Services.awaitCondition("two instances", () -> supervisor.status("hello").orElseThrow().instances() == 2);
    }

    @Test
    void scalingNeedsACountThatIsAWholeNumber() throws Exception {
        assertEquals(400, send("POST", "/api/services/hello/scale", "").statusCode());
        assertEquals(400, send("POST", "/api/services/hello/scale?count=many", "").statusCode());
        assertEquals(400, send("POST", "/api/services/hello/scale?count=-1", "").statusCode());
    }

    @Test
    void stopAndResetAnswerTheStatus() throws Exception {
        supervisor.scale("hello", 1);
        Services.awaitCondition("an instance", () -> supervisor.status("hello").orElseThrow().instances() == 1);

        HttpResponse<String> stopped = send("POST", "/api/services/hello/stop", "");
        assertEquals(200, stopped.statusCode());
        Services.awaitCondition("no instance", () -> supervisor.status("hello").orElseThrow().instances() == 0);

        HttpResponse<String> reset = send("POST", "/api/services/hello/reset", "");
        assertEquals(200, reset.statusCode());
        assertEquals("IDLE", JsonBody.MAPPER.readTree(reset.body()).get("state").asText());
    }

    @Test
    void healthSaysUpAndCountsServices() throws Exception {
        HttpResponse<String> response = send("GET", "/api/health", "");

        assertEquals(200, response.statusCode());
        JsonNode health = JsonBody.MAPPER.readTree(response.body());
        assertEquals("UP", health.get("status").asText());
        assertEquals(2, health.get("services").asInt());
    }

    @Test
    void aWrongMethodIsAnswered405WithTheAllowedOnes() throws Exception {
        HttpResponse<String> response = send("POST", "/api/services", "");

        assertEquals(405, response.statusCode());
        assertEquals("GET", response.headers().firstValue("allow").orElseThrow());
        assertEquals(404, send("GET", "/api/nothing", "").statusCode());
        assertEquals(404, send("GET", "/", "").statusCode());
    }

    @Test
    void aHostThatIsNotLoopbackIsRefusedNamingTheField() {
        for (String host : List.of("0.0.0.0", "192.168.1.10", "::", "hearth.example.org")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> new AdminSettings(host, 8081));
            assertTrue(refused.getMessage().contains("'host'") && refused.getMessage().contains("loopback"),
                    refused.getMessage());
        }
        assertEquals("::1", new AdminSettings("::1", 0).host());
        assertEquals("localhost", new AdminSettings("localhost", 0).host());
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.BodyPublisher publisher = body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path))
                .method(method, publisher).build(), HttpResponse.BodyHandlers.ofString());
    }
}
