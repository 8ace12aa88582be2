package dev.hearth.runtime;

import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Felix's own messages (resolution problems, bundle errors) logged through SLF4J under
 * {@code org.apache.felix.framework}, at the level the back end allows for that logger.
 */
final class Slf4jFrameworkLogger extends org.apache.felix.framework.Logger {

    private static final Logger LOG = LoggerFactory.getLogger("org.apache.felix.framework");

    Slf4jFrameworkLogger() {
        setLogLevel(LOG.isDebugEnabled() ? LOG_DEBUG
                : LOG.isInfoEnabled() ? LOG_INFO
                : LOG.isWarnEnabled() ? LOG_WARNING
                : LOG_ERROR);
    }

    @Override
    protected void doLog(Bundle bundle, ServiceReference sr, int level, String message, Throwable cause) {
        String text = bundle == null ? message : message + " [" + Slf4jLogService.symbolicName(bundle) + "]";
        doLog(level, text, cause);
    }

    @Override
    protected void doLog(int level, String message, Throwable cause) {
        var event = LOG.atLevel(Slf4jLogService.level(level));
        if (cause != null) {
            event = event.setCause(cause);
        }
        event.log(message);
    }
}
