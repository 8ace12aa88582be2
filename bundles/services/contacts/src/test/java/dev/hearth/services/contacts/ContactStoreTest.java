package dev.hearth.services.contacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContactStoreTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    @Test
    void aContactIsStoredAsOneJsonFileAndReadBack() throws Exception {
        ContactStore store = ContactStore.open(directory, JSON);
        Contact ada = new Contact(store.newId(), "Ada", "ada@example.org", null, null);
        store.put(ada);
        assertEquals(ada, store.get(ada.id()).orElseThrow());
        assertTrue(Files.isRegularFile(directory.resolve(ada.id() + ".json")));
        try (var files = Files.list(directory)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void aReplacedContactIsWhollyNewAndTheListIsByName() throws Exception {
        ContactStore store = ContactStore.open(directory, JSON);
        String id = store.newId();
        store.put(new Contact(id, "zoe", "", "", ""));
        store.put(new Contact(id, "Zoe", "", "", "new"));
        store.put(new Contact(store.newId(), "adam", "", "", ""));
        List<Contact> all = store.list();
        assertEquals(List.of("adam", "Zoe"), all.stream().map(Contact::name).toList());
        assertEquals("new", all.get(1).note());
    }

    @Test
    void temporaryFilesLeftByACrashAreRemovedWhenTheStoreOpens() throws Exception {
        Files.writeString(directory.resolve(".tmp-0123456789abcdef-7"), "{\"half");
        ContactStore store = ContactStore.open(directory, JSON);
        try (var files = Files.list(directory)) {
            assertEquals(0, files.count());
        }
        assertEquals(List.of(), store.list());
    }

    @Test
    void malformedIdsFindNothingAndDeleteNothing() throws Exception {
        ContactStore store = ContactStore.open(directory, JSON);
        Files.writeString(directory.getParent().resolve("outside.json"), "{}");
        assertTrue(store.get("../outside").isEmpty());
        assertFalse(store.delete("../outside"));
        assertTrue(Files.exists(directory.getParent().resolve("outside.json")));
    }

    @Test
    void aContactWithoutANameIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Contact("0123456789abcdef", " ", "", "", ""));
    }
}
