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

    /** DEPLOY-V2 (Kura's names): request metrics. */
    public static final String DP_URI = "dp.uri";
    public static final String DP_NAME = "dp.name";
    public static final String DP_VERSION = "dp.version";
    public static final String DP_INSTALL = "dp.install";
    public static final String DP_DOWNLOAD_HASH = "dp.download.hash";
    public static final String JOB_ID = "job.id";
    /** DEPLOY-V2 (Kura's names): notification metrics. */
    public static final String CLIENT_ID = "client.id";
    public static final String DP_DOWNLOAD_PROGRESS = "dp.download.progress";
    public static final String DP_DOWNLOAD_SIZE = "dp.download.size";
    public static final String DP_DOWNLOAD_STATUS = "dp.download.status";
    public static final String DP_DOWNLOAD_ERROR = "dp.download.error.message";
    public static final String DP_INSTALL_PROGRESS = "dp.install.progress";
    public static final String DP_INSTALL_STATUS = "dp.install.status";
    public static final String DP_INSTALL_ERROR = "dp.install.error.message";

    private MetricNames() {
    }
}
