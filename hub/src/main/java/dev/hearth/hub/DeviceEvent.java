package dev.hearth.hub;

import dev.hearth.agent.wire.Payload;

/**
 * Something a device published: a lifecycle certificate, telemetry or a device event.
 *
 * @param device the device's client id
 * @param kind   BIRTH, DC, APPS, LWT, STATUS (the retained copy of the last birth), METRICS, or a device
 *               event's path from {@code <account>/<device>/HEARTH/events/<path>}, such as
 *               {@code updater/ROLLED_BACK}
 * @param retained whether the broker kept it (an old message)
 * @param payload its metrics
 */
public record DeviceEvent(String device, String kind, boolean retained, Payload payload) { }
