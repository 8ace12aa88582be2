/** Update bundles: format, manifest, payloads, keyring, signing and verification. */
@Export
@Version("1.0.0")
package dev.hearth.ota;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
