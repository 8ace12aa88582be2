package dev.hearth.agent.api;

import dev.hearth.agent.wire.ControlTopic;
import dev.hearth.agent.wire.Method;
import dev.hearth.agent.wire.Payload;
import java.util.List;

/**
 * A well-formed control request from an obeyed requester, handed to its app.
 *
 * @param topic     the parts of its topic
 * @param method    its verb
 * @param requestId the {@code request.id} metric
 * @param requester the {@code requester.client.id} metric
 * @param payload   its metrics and body
 * @param signed    whether it carried a valid signature
 * @param notifier  sends progress notifications of a long job to the requester
 */
public record Request(ControlTopic topic, Method method, String requestId, String requester, Payload payload,
                      boolean signed, Notifier notifier) {

    public Request {
        java.util.Objects.requireNonNull(topic, "topic");
        java.util.Objects.requireNonNull(method, "method");
        java.util.Objects.requireNonNull(requestId, "requestId");
        java.util.Objects.requireNonNull(requester, "requester");
        java.util.Objects.requireNonNull(payload, "payload");
        java.util.Objects.requireNonNull(notifier, "notifier");
    }

    public List<String> resource() {
        return topic.resource();
    }

    public String appId() {
        return topic.appId();
    }
}
