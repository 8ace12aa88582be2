/** What a service author implements to run in the supervisor's JVM, and the request/response records every driver speaks. */
@Export
@Version("1.0.0")
package dev.hearth.service;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
