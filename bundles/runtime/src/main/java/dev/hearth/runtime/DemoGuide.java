package dev.hearth.runtime;

import java.nio.file.Path;

/** What {@code demo} prints once everything is up: how to try it. */
final class DemoGuide {

    private DemoGuide() {
    }

    /**
     * @param gateway the gateway's {@code host:port}
     * @param admin   the admin endpoint's {@code host:port}
     * @param broker  the MQTT broker's {@code host:port}
     * @param state   the state directory
     */
    static String text(String gateway, String admin, String broker, Path state) {
        String status = "./hearth status" + (admin.equals("127.0.0.1:8081") ? "" : " --admin http://" + admin);
        return """

                Hearth demo is running. The notes service is registered and scaled to zero. Try:

                  curl -i -X POST http://%1$s/notes/ -d '{"title":"milk","body":"2 l"}'
                  curl http://%1$s/notes/
                  curl http://%1$s/notes/<id>
                  curl -X DELETE http://%1$s/notes/<id>

                A container service (a native HTTP server in an OCI image, run under crun as root;
                `%3$s` says why when it cannot run here):

                  curl http://%1$s/hello/

                The hub's side, over MQTT (the device is hearth-device):

                  ./hearth hub%6$s devices
                  ./hearth hub%6$s services hearth-device

                The services, their instances and metering (admin endpoint, loopback only):

                  curl http://%2$s/api/services
                  %3$s

                MQTT broker: %4$s (loopback only). State: %5$s
                Ctrl-C stops it.
                """.formatted(gateway, admin, status, broker, state,
                broker.equals("127.0.0.1:1883") ? "" : " --broker tcp://" + broker);
    }
}
