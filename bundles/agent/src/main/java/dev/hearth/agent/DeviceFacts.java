package dev.hearth.agent;

import java.util.Objects;

/**
 * What the device says about itself in its birth certificate and not measured at run time. Values
 * the host does not know are {@value #UNKNOWN}.
 *
 * @param displayName     for people
 * @param modelName       the board's model
 * @param serialNumber    the board's serial number
 * @param firmwareVersion framework property {@code hearth.firmware.version}
 * @param slot            the active A/B slot, framework property {@code hearth.slot}
 * @param frameworkName   the OSGi framework's vendor and name
 * @param frameworkVersion its version
 */
public record DeviceFacts(String displayName, String modelName, String serialNumber, String firmwareVersion,
                          String slot, String frameworkName, String frameworkVersion) {

    public static final String UNKNOWN = "unknown";

    public DeviceFacts {
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(serialNumber, "serialNumber");
        Objects.requireNonNull(firmwareVersion, "firmwareVersion");
        Objects.requireNonNull(slot, "slot");
        Objects.requireNonNull(frameworkName, "frameworkName");
        Objects.requireNonNull(frameworkVersion, "frameworkVersion");
    }

    /** Facts of a host that knows nothing about itself but its name. */
    public static DeviceFacts unknown(String displayName) {
        return new DeviceFacts(displayName, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN);
    }
}
