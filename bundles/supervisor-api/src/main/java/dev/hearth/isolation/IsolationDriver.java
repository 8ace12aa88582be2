package dev.hearth.isolation;

import java.util.concurrent.CompletionStage;

/**
 * Starts instances of services in sandboxes of one kind. Drivers are OSGi services; the
 * supervisor picks the one whose {@value #TYPE_PROPERTY} property equals the spec's
 * {@code driver}.
 */
public interface IsolationDriver {

    /** The OSGi service property naming the driver type ({@code injvm}, {@code crun}, …). */
    String TYPE_PROPERTY = "hearth.driver";

    /** The driver type, the same value as its {@value #TYPE_PROPERTY} property. */
    String type();

    /** Whether this host can run the driver's sandboxes, and if not, why. Cheap; no I/O. */
    DriverAvailability availability();

    /**
     * Starts one instance. The stage completes when the instance is ready to take requests, or
     * exceptionally (with a message naming the service and the cause) when it cannot start. The
     * supervisor enforces the activation timeout and stops an instance that becomes ready late.
     */
    CompletionStage<Instance> start(InstanceContext context);
}
