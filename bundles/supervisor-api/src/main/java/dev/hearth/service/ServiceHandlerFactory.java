package dev.hearth.service;

/**
 * Makes fresh {@link ServiceHandler}s for one in-JVM service. Registered as an OSGi service with
 * the property {@value #NAME_PROPERTY}; a service spec with driver {@code injvm} names it in its
 * {@code image}.
 */
public interface ServiceHandlerFactory {

    /** The OSGi service property that names the handler. */
    String NAME_PROPERTY = "hearth.handler";

    /** Creates the handler for one new instance. Must be fast: it is on the cold-start path. */
    ServiceHandler create(HandlerContext context) throws Exception;
}
