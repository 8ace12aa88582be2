package dev.hearth.runtime;

/** What the launcher starts. */
public enum Mode {
    /** The device userland: the bundles and {@code etc/}. */
    RUN,
    /** The userland plus an embedded MQTT broker and the sample services of {@code etc/demo/}. */
    DEMO
}
