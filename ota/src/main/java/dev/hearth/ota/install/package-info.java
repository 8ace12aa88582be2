/** The installer and the sources it streams update bundles from. */
@Export
@Version("1.0.0")
package dev.hearth.ota.install;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
