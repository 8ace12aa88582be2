package dev.hearth.runtime;

import java.util.Objects;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.FormatterLogger;
import org.osgi.service.log.LogService;
import org.osgi.service.log.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The OSGi Log Service, and logger factory, as one bundle sees it: everything goes to SLF4J.
 * Config Admin and Event Admin use the classic {@code log(level, message)} methods (logged under
 * the bundle's symbolic name); SCR uses named {@link Logger}s.
 */
final class Slf4jLogService implements LogService {

    private final Bundle bundle;

    Slf4jLogService(Bundle bundle) {
        this.bundle = Objects.requireNonNull(bundle, "bundle");
    }

    @Override
    public Logger getLogger(String name) {
        return getLogger(bundle, name, Logger.class);
    }

    @Override
    public Logger getLogger(Class<?> clazz) {
        return getLogger(bundle, clazz.getName(), Logger.class);
    }

    @Override
    public <L extends Logger> L getLogger(String name, Class<L> loggerType) {
        return getLogger(bundle, name, loggerType);
    }

    @Override
    public <L extends Logger> L getLogger(Class<?> clazz, Class<L> loggerType) {
        return getLogger(bundle, clazz.getName(), loggerType);
    }

    @Override
    public <L extends Logger> L getLogger(Bundle owner, String name, Class<L> loggerType) {
        Slf4jLogger.Style style;
        if (loggerType == Logger.class) {
            style = Slf4jLogger.Style.PLACEHOLDERS;
        } else if (loggerType == FormatterLogger.class) {
            style = Slf4jLogger.Style.PRINTF;
        } else {
            throw new IllegalArgumentException("unknown logger type " + loggerType.getName());
        }
        String loggerName = name == null || name.isEmpty() || Logger.ROOT_LOGGER_NAME.equals(name)
                ? symbolicName(owner == null ? bundle : owner)
                : name;
        return loggerType.cast(new Slf4jLogger(LoggerFactory.getLogger(loggerName), style));
    }

    @Override
    public void log(int level, String message) {
        log(null, level, message, null);
    }

    @Override
    public void log(int level, String message, Throwable exception) {
        log(null, level, message, exception);
    }

    @Override
    public void log(ServiceReference<?> sr, int level, String message) {
        log(sr, level, message, null);
    }

    @Override
    public void log(ServiceReference<?> sr, int level, String message, Throwable exception) {
        org.slf4j.Logger logger = LoggerFactory.getLogger(symbolicName(bundle));
        Level slf4jLevel = level(level);
        if (!logger.isEnabledForLevel(slf4jLevel)) {
            return;
        }
        var event = logger.atLevel(slf4jLevel);
        if (exception != null) {
            event = event.setCause(exception);
        }
        event.log(message);
    }

    /** OSGi's classic levels: 1 error, 2 warning, 3 info, 4 debug; anything finer is trace. */
    static Level level(int osgiLevel) {
        return switch (osgiLevel) {
            case LOG_ERROR -> Level.ERROR;
            case LOG_WARNING -> Level.WARN;
            case LOG_INFO -> Level.INFO;
            case LOG_DEBUG -> Level.DEBUG;
            default -> osgiLevel < LOG_ERROR ? Level.ERROR : Level.TRACE;
        };
    }

    static String symbolicName(Bundle bundle) {
        String name = bundle.getSymbolicName();
        return name == null ? "bundle." + bundle.getBundleId() : name;
    }
}
