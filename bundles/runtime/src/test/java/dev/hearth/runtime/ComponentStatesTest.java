package dev.hearth.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ComponentStatesTest {

    @Test
    void aFailedActivationIsReportedByTheMessageOfItsRealCause() {
        String failure = """
                java.lang.reflect.InvocationTargetException
                \tat java.base/jdk.internal.reflect.NativeConstructorAccessorImpl.newInstance0(Native Method)
                \t... 55 more
                Caused by: java.lang.IllegalStateException: gateway: cannot listen on 127.0.0.1:8080: Address already in use
                \tat dev.hearth.gateway.HttpListener.start(HttpListener.java:80)
                Caused by: java.net.BindException: Address already in use
                """;

        assertEquals("gateway: cannot listen on 127.0.0.1:8080: Address already in use",
                ComponentStates.reason(failure));
    }

    @Test
    void aFailureWithoutCausesKeepsItsFirstLine() {
        assertEquals("stateDirectory must not be empty",
                ComponentStates.reason("java.lang.IllegalArgumentException: stateDirectory must not be empty\n\tat x"));
        assertEquals("no reason given", ComponentStates.reason(""));
    }
}
