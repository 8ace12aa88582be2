/**
 * Userland-only updates: versioned directories of OSGi bundle jars on the data partition, the
 * {@code current} set switched by an atomic rename, rolled back to {@code previous}.
 */
@Export
@Version("1.0.0")
package dev.hearth.ota.userland;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
