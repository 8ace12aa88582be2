package dev.hearth.services.contacts;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The contacts service as a container program: listens for HTTP on the Unix socket named by
 * {@code HEARTH_SOCKET}, keeps contacts under {@code /data/contacts} (or {@code HEARTH_DATA}/contacts),
 * and exits on SIGTERM after finishing the requests in progress.
 */
public final class ContactsMain {

    private ContactsMain() {
    }

    public static void main(String[] args) throws Exception {
        Optional<String> socket = Optional.ofNullable(System.getenv("HEARTH_SOCKET")).filter(s -> !s.isBlank());
        if (socket.isEmpty()) {
            System.err.println("contacts: HEARTH_SOCKET is not set");
            System.exit(2);
        }
        Path data = Path.of(Optional.ofNullable(System.getenv("HEARTH_DATA")).orElse("/data"));
        ObjectMapper json = new ObjectMapper();
        ContactStore store = ContactStore.open(data.resolve("contacts"), json);
        ContactsApi api = new ContactsApi(store, json);
        UnixHttpServer server = new UnixHttpServer(Path.of(socket.get()), 4, api::handle);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
                System.err.println("contacts: stopped");
            } catch (java.io.IOException e) {
                System.err.println("contacts: stopping failed: " + e.getMessage());
            }
        }, "contacts-stop"));
        server.bind();
        System.err.println("contacts: listening");
        server.serve();
    }
}
