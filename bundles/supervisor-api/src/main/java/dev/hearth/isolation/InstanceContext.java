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
 * @param runDirectory  a path private to this instance for sockets and scratch; it does not exist
 *                      yet: a driver that needs it creates it (creating it for every instance would
 *                      cost every cold start a few syscalls). The supervisor deletes it, if present,
 *                      after the instance has ended
 */
public record InstanceContext(ServiceSpec spec, String instanceId, Path dataDirectory, Path runDirectory) {
    public InstanceContext {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(runDirectory, "runDirectory");
    }
}
