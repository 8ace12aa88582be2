package dev.hearth.hub;

import dev.hearth.agent.wire.Payload;

/**
 * Progress of a long job a device runs for this hub, from
 * {@code $EDC/<account>/<hub>/<app-id>/NOTIFY/<device>/<type>}.
 *
 * @param device  the device's client id
 * @param appId   the app running the job, such as {@code DEPLOY-V2}
 * @param type    the last topic level, such as {@code download}
 * @param payload its metrics
 */
public record Notification(String device, String appId, String type, Payload payload) { }
