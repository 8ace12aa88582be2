package dev.hearth.agent.wire;

import java.util.List;
import java.util.Objects;

/**
 * The parts of a control request topic after {@code <prefix>/<account>/<client-id>/}.
 *
 * @param appId    the app the request is for, such as {@code SVC-V1}
 * @param verb     the method segment as received; {@link Method#parse} says whether it is one
 * @param resource the segments after the method; empty when there are none
 */
public record ControlTopic(String appId, String verb, List<String> resource) {

    public ControlTopic {
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(verb, "verb");
        resource = List.copyOf(resource);
    }

    public String resourcePath() {
        return String.join("/", resource);
    }
}
