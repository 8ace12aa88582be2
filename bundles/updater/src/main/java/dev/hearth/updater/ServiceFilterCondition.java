package dev.hearth.updater;

import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;

/** Met when an OSGi service matching an LDAP filter is registered (the supervisor, the agent). */
public final class ServiceFilterCondition implements HealthCondition {

    private final BundleContext context;
    private final String filter;

    public ServiceFilterCondition(BundleContext context, String filter) {
        this.context = context;
        this.filter = filter;
        try {
            context.createFilter(filter);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("health check: '" + filter + "' is not an LDAP filter: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return "service " + filter;
    }

    @Override
    public Optional<String> unmet() {
        try {
            return context.getServiceReferences((String) null, filter) == null
                    ? Optional.of("no such service registered") : Optional.empty();
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("health check: filter " + filter + " was checked at construction", e);
        } catch (IllegalStateException e) {
            return Optional.of("the bundle is stopping (" + e.getMessage() + ")");
        }
    }
}
