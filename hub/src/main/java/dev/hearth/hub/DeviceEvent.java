package dev.hearth.hub;

import dev.hearth.agent.wire.Payload;

/**
 * Something a device published: a lifecycle certificate or telemetry.
 *
 * @param device the device's client id
 * @param kind   BIRTH, DC, APPS, LWT, STATUS (the retained copy of the last birth) or METRICS
 * @param retained whether the broker kept it (an old message)
 * @param payload its metrics
 */
public record DeviceEvent(String device, String kind, boolean retained, Payload payload) { }
