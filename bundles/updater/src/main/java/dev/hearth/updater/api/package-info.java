/**
 * What other bundles may provide to the updater: the {@link dev.hearth.updater.api.RebootAction}
 * service.
 */
@Export
@Version("1.0.0")
package dev.hearth.updater.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
