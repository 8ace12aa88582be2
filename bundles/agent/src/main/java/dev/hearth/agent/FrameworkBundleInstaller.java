package dev.hearth.agent;

import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

/** {@link BundleInstaller} over the framework's {@link BundleContext}. */
public final class FrameworkBundleInstaller implements BundleInstaller {

    private final BundleContext context;

    public FrameworkBundleInstaller(BundleContext context) {
        this.context = context;
    }

    @Override
    public BundleFacts install(String location, InputStream jar) {
        try {
            return facts(context.installBundle(location, jar));
        } catch (BundleException | RuntimeException e) {
            throw new DeployFailedException("cannot install " + location, e);
        }
    }

    @Override
    public BundleFacts update(long id, InputStream jar) {
        Bundle b = require(id);
        try {
            b.update(jar);
            return facts(b);
        } catch (BundleException | RuntimeException e) {
            throw new DeployFailedException("cannot update bundle " + id, e);
        }
    }

    @Override
    public void start(long id) {
        try {
            require(id).start();
        } catch (BundleException | RuntimeException e) {
            throw new DeployFailedException("cannot start bundle " + id, e);
        }
    }

    @Override
    public void stop(long id) {
        try {
            require(id).stop();
        } catch (BundleException | RuntimeException e) {
            throw new DeployFailedException("cannot stop bundle " + id, e);
        }
    }

    @Override
    public void uninstall(long id) {
        try {
            require(id).uninstall();
        } catch (BundleException | RuntimeException e) {
            throw new DeployFailedException("cannot uninstall bundle " + id, e);
        }
    }

    @Override
    public Optional<BundleFacts> bundle(long id) {
        return Optional.ofNullable(context.getBundle(id)).map(FrameworkBundleInstaller::facts);
    }

    @Override
    public List<BundleFacts> bundles() {
        return Arrays.stream(context.getBundles()).map(FrameworkBundleInstaller::facts).toList();
    }

    private Bundle require(long id) {
        Bundle b = context.getBundle(id);
        if (b == null) {
            throw new DeployFailedException("no bundle " + id);
        }
        return b;
    }

    private static BundleFacts facts(Bundle b) {
        return new BundleFacts(b.getBundleId(), String.valueOf(b.getSymbolicName()), b.getVersion().toString(),
                state(b.getState()));
    }

    private static String state(int state) {
        return switch (state) {
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNKNOWN";
        };
    }
}
