package dev.hearth.isolation;

import dev.hearth.supervisor.ServiceSpec;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything a driver needs to start one instance.
 *
 * @param spec          the service spec, limits included
 * @param instanceId    unique among all instances the supervisor ever started in this process
 * @param dataDirectory the service's persistent data directory, shared by its instances; exists
 * @param runDirectory  a fresh, empty directory private to this instance (sockets, scratch); the
 *                      supervisor deletes it after the instance exits
 */
public record InstanceContext(ServiceSpec spec, String instanceId, Path dataDirectory, Path runDirectory) {
    public InstanceContext {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(runDirectory, "runDirectory");
    }
}
