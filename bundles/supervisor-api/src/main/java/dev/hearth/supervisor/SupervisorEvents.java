package dev.hearth.supervisor;

/** Event Admin topics and property keys of the events the supervisor posts. */
public interface SupervisorEvents {

    /** A service changed {@link ServiceState}. Properties: service, from, to, instances, reason. */
    String SERVICE_STATE_CHANGED = "dev/hearth/supervisor/SERVICE_STATE_CHANGED";

    /** An instance became ready. Properties: service, instance, instances, activationMillis. */
    String INSTANCE_STARTED = "dev/hearth/supervisor/INSTANCE_STARTED";

    /** An instance ended. Properties: service, instance, instances, cause, reason, activeMillis, cpuMillis. */
    String INSTANCE_STOPPED = "dev/hearth/supervisor/INSTANCE_STOPPED";

    /** A service was registered, changed or removed. Properties: service, change (DEPLOYED, REMOVED). */
    String SERVICE_DEPLOYED = "dev/hearth/supervisor/SERVICE_DEPLOYED";

    String SERVICE = "service";
    String INSTANCE = "instance";
    String FROM = "from";
    String TO = "to";
    String INSTANCES = "instances";
    String REASON = "reason";
    String CAUSE = "cause";
    String CHANGE = "change";
    String ACTIVATION_MILLIS = "activationMillis";
    String ACTIVE_MILLIS = "activeMillis";
    String CPU_MILLIS = "cpuMillis";
}
