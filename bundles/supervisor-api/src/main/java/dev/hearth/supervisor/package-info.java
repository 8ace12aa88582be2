/** The supervisor: registry of services, activation on demand, autoscaling and metering. */
@Export
@Version("1.0.0")
package dev.hearth.supervisor;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
