/**
 * Kura's MQTT wire format as Hearth speaks it: KuraPayload, the topic namespace, methods, metric
 * names, signed commands, and the sockets to the broker. Used by the agent, its apps and the hub.
 */
@Export
@Version("1.0.0")
package dev.hearth.agent.wire;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
