package dev.hearth.updater;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

/**
 * Restarts the userland by stopping the system bundle. The launcher, started with a userland store
 * ({@code --userland}, framework property {@code hearth.userland}), starts a fresh framework from the
 * store's {@code current} set whenever the framework stops by itself. The stop runs on the
 * framework's own thread; this returns at once.
 */
final class SystemBundleUserlandRestart implements UserlandRestart {

    private final BundleContext context;

    SystemBundleUserlandRestart(BundleContext context) {
        this.context = context;
    }

    @Override
    public String name() {
        return "system-bundle-stop";
    }

    @Override
    public boolean restart() {
        try {
            context.getBundle(0).stop();
            return true;
        } catch (BundleException e) {
            throw new IllegalStateException("cannot stop the framework for a userland restart: " + e.getMessage(), e);
        }
    }
}
