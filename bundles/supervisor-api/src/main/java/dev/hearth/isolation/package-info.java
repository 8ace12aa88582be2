/** The isolation driver SPI: how an instance of a service is started, reached, metered and stopped. */
@Export
@Version("1.0.0")
package dev.hearth.isolation;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
