package dev.hearth.agent.wire;

/** Names of the request and response metrics of Kura's control namespace, and Hearth's additions. */
public final class MetricNames {

    public static final String REQUEST_ID = "request.id";
    public static final String REQUESTER_CLIENT_ID = "requester.client.id";
    public static final String RESPONSE_CODE = "response.code";
    public static final String EXCEPTION_MESSAGE = "response.exception.message";
    public static final String EXCEPTION_STACK = "response.exception.stack";

    /** Hearth: milliseconds since the epoch after which a signed request must not be obeyed. */
    public static final String EXPIRES = "hearth.expires";
    /** Hearth: the Ed25519 signature (bytes) of {@link CommandSignature#digest}. */
    public static final String SIGNATURE = "hearth.signature";

    private MetricNames() {
    }
}
