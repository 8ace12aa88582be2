package dev.hearth.agent;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

/**
 * The reboot of a developer machine: restarts the userland (the OSGi framework updates itself, which
 * stops every bundle and starts them again in the same process). A board uses an action that reboots
 * the kernel instead.
 */
final class FrameworkRestartRebootAction implements RebootAction {

    private final BundleContext context;

    FrameworkRestartRebootAction(BundleContext context) {
        this.context = context;
    }

    @Override
    public String name() {
        return "framework-restart";
    }

    @Override
    public void reboot() {
        Bundle system = context.getBundle(0);
        try {
            system.update();
        } catch (BundleException e) {
            throw new IllegalStateException("cannot restart the framework: " + e.getMessage(), e);
        }
    }
}
