package dev.hearth.service;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What an in-JVM instance is told about itself.
 *
 * @param service       the service name
 * @param instanceId    unique among the service's instances, for logs
 * @param dataDirectory the service's own persistent directory, shared by its instances; exists
 */
public record HandlerContext(String service, String instanceId, Path dataDirectory) {
    public HandlerContext {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
    }
}
