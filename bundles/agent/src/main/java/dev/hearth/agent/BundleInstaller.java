package dev.hearth.agent;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Installs, updates, starts, stops and removes OSGi bundles: what DEPLOY-V2 needs of the framework.
 * Failures are {@link DeployFailedException}s naming the bundle and the framework's reason.
 */
public interface BundleInstaller {

    /** What is known of one installed bundle. */
    record BundleFacts(long id, String symbolicName, String version, String state) { }

    /** Installs a bundle from its jar under a location; does not start it. */
    BundleFacts install(String location, InputStream jar);

    /** Replaces the jar of an installed bundle (it is restarted if it was active). */
    BundleFacts update(long id, InputStream jar);

    void start(long id);

    void stop(long id);

    void uninstall(long id);

    Optional<BundleFacts> bundle(long id);

    List<BundleFacts> bundles();
}
