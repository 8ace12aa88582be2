package dev.hearth.runtime;

import java.util.Arrays;
import java.util.IllegalFormatException;
import java.util.Objects;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.FormatterLogger;
import org.osgi.service.log.LoggerConsumer;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * An OSGi {@link org.osgi.service.log.Logger} (or {@link FormatterLogger}) that writes to an SLF4J
 * logger. Levels are the SLF4J back end's; OSGi's audit level is logged at INFO. A trailing
 * {@link Throwable} argument is the cause; a trailing {@link ServiceReference} is dropped.
 */
final class Slf4jLogger implements FormatterLogger {

    /** How messages are formatted: SLF4J's {@code {}} placeholders, or {@link String#format}. */
    enum Style { PLACEHOLDERS, PRINTF }

    private final Logger delegate;
    private final Style style;

    Slf4jLogger(Logger delegate, Style style) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.style = Objects.requireNonNull(style, "style");
    }

    @Override
    public String getName() {
        return delegate.getName();
    }

    @Override public boolean isTraceEnabled() { return delegate.isTraceEnabled(); }
    @Override public boolean isDebugEnabled() { return delegate.isDebugEnabled(); }
    @Override public boolean isInfoEnabled() { return delegate.isInfoEnabled(); }
    @Override public boolean isWarnEnabled() { return delegate.isWarnEnabled(); }
    @Override public boolean isErrorEnabled() { return delegate.isErrorEnabled(); }

    @Override public void trace(String message) { log(Level.TRACE, message); }
    @Override public void trace(String format, Object arg) { log(Level.TRACE, format, arg); }
    @Override public void trace(String format, Object arg1, Object arg2) { log(Level.TRACE, format, arg1, arg2); }
    @Override public void trace(String format, Object... arguments) { log(Level.TRACE, format, arguments); }

    @Override public void debug(String message) { log(Level.DEBUG, message); }
    @Override public void debug(String format, Object arg) { log(Level.DEBUG, format, arg); }
    @Override public void debug(String format, Object arg1, Object arg2) { log(Level.DEBUG, format, arg1, arg2); }
    @Override public void debug(String format, Object... arguments) { log(Level.DEBUG, format, arguments); }

    @Override public void info(String message) { log(Level.INFO, message); }
    @Override public void info(String format, Object arg) { log(Level.INFO, format, arg); }
    @Override public void info(String format, Object arg1, Object arg2) { log(Level.INFO, format, arg1, arg2); }
    @Override public void info(String format, Object... arguments) { log(Level.INFO, format, arguments); }

    @Override public void warn(String message) { log(Level.WARN, message); }
    @Override public void warn(String format, Object arg) { log(Level.WARN, format, arg); }
    @Override public void warn(String format, Object arg1, Object arg2) { log(Level.WARN, format, arg1, arg2); }
    @Override public void warn(String format, Object... arguments) { log(Level.WARN, format, arguments); }

    @Override public void error(String message) { log(Level.ERROR, message); }
    @Override public void error(String format, Object arg) { log(Level.ERROR, format, arg); }
    @Override public void error(String format, Object arg1, Object arg2) { log(Level.ERROR, format, arg1, arg2); }
    @Override public void error(String format, Object... arguments) { log(Level.ERROR, format, arguments); }

    @Override public void audit(String message) { log(Level.INFO, message); }
    @Override public void audit(String format, Object arg) { log(Level.INFO, format, arg); }
    @Override public void audit(String format, Object arg1, Object arg2) { log(Level.INFO, format, arg1, arg2); }
    @Override public void audit(String format, Object... arguments) { log(Level.INFO, format, arguments); }

    @Override
    public <E extends Exception> void trace(LoggerConsumer<E> consumer) throws E {
        if (isTraceEnabled()) {
            consumer.accept(this);
        }
    }

    @Override
    public <E extends Exception> void debug(LoggerConsumer<E> consumer) throws E {
        if (isDebugEnabled()) {
            consumer.accept(this);
        }
    }

    @Override
    public <E extends Exception> void info(LoggerConsumer<E> consumer) throws E {
        if (isInfoEnabled()) {
            consumer.accept(this);
        }
    }

    @Override
    public <E extends Exception> void warn(LoggerConsumer<E> consumer) throws E {
        if (isWarnEnabled()) {
            consumer.accept(this);
        }
    }

    @Override
    public <E extends Exception> void error(LoggerConsumer<E> consumer) throws E {
        if (isErrorEnabled()) {
            consumer.accept(this);
        }
    }

    private void log(Level level, String format, Object... arguments) {
        if (!delegate.isEnabledForLevel(level)) {
            return;
        }
        Object[] args = arguments == null ? new Object[0] : arguments;
        int count = args.length;
        Throwable cause = null;
        if (count > 0 && args[count - 1] instanceof Throwable t) {
            cause = t;
            count--;
        }
        if (count > 0 && args[count - 1] instanceof ServiceReference) {
            count--;
        }
        Object[] used = Arrays.copyOf(args, count);
        LoggingEventBuilder event = delegate.atLevel(level);
        if (cause != null) {
            event = event.setCause(cause);
        }
        String text = String.valueOf(format);
        if (style == Style.PRINTF) {
            event.log(printf(text, used));
        } else {
            event.log(text, used);
        }
    }

    private static String printf(String format, Object[] arguments) {
        try {
            return String.format(format, arguments);
        } catch (IllegalFormatException e) {
            return format + " " + Arrays.toString(arguments);
        }
    }
}
