package dev.hearth.agent.wire;

import java.util.Optional;

/** The verbs of Kura's control namespace. */
public enum Method {
    GET, PUT, POST, DEL, EXEC;

    /** The method a topic segment names; empty for anything else (case matters, as in Kura). */
    public static Optional<Method> parse(String segment) {
        for (Method m : values()) {
            if (m.name().equals(segment)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
