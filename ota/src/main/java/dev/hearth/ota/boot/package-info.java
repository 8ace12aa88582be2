/** The boot selection: the Bootloader role, U-Boot's environment and the boot script's logic. */
@Export
@Version("1.0.0")
package dev.hearth.ota.boot;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
