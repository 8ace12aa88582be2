/**
 * The agent's app API: an {@link dev.hearth.agent.api.App} registered as an OSGi service serves
 * one app id of Kura's control namespace, such as {@code OTA-V1}.
 */
@Export
@Version("1.1.0")
package dev.hearth.agent.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
