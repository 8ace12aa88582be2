package dev.hearth.runtime;

import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.log.LogService;
import org.osgi.service.log.LoggerFactory;

/**
 * Registered by the launcher on the system bundle under {@link LogService} and
 * {@link LoggerFactory}, before any bundle starts: gives each bundle its own
 * {@link Slf4jLogService}, so the framework services' messages reach the one SLF4J back end.
 */
final class Slf4jLogServiceFactory implements ServiceFactory<Object> {

    /** The service interfaces it is registered under. */
    static final String[] INTERFACES = {LogService.class.getName(), LoggerFactory.class.getName()};

    @Override
    public Object getService(Bundle bundle, ServiceRegistration<Object> registration) {
        return new Slf4jLogService(bundle);
    }

    @Override
    public void ungetService(Bundle bundle, ServiceRegistration<Object> registration, Object service) {
        // Nothing is held per bundle.
    }
}
