package dev.hearth.services.notes;

import static dev.hearth.services.notes.Requests.body;
import static dev.hearth.services.notes.Requests.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.service.HandlerContext;
import dev.hearth.service.ServiceHandler;
import dev.hearth.service.ServiceResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoteStoreTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-03-01T08:00:00Z");

    @TempDir
    Path data;

    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void notesSurviveANewHandlerOverTheSameDataDirectory() throws Exception {
        NotesHandlerFactory factory = new NotesHandlerFactory();
        ServiceHandler first = factory.create(new HandlerContext("notes", "1", data));
        ServiceResponse created = first.handle(request("POST", "/", "{\"title\":\"milk\",\"body\":\"2 l\"}"));
        String id = JSON.readTree(body(created)).get("id").textValue();
        first.close();

        ServiceHandler second = factory.create(new HandlerContext("notes", "2", data));
        JsonNode note = JSON.readTree(body(second.handle(request("GET", "/" + id))));
        assertEquals("milk", note.get("title").textValue());
        assertEquals("2 l", note.get("body").textValue());
        assertTrue(Files.isRegularFile(data.resolve("notes").resolve(id + ".json")));
    }

    @Test
    void writesLeaveNoTemporaryFilesBehind() throws Exception {
        NoteStore store = NoteStore.open(data);
        Note note = store.create(new NoteDraft("milk", "2 l"));
        store.replace(note.id(), new NoteDraft("oat milk", ""));
        Note eggs = store.create(new NoteDraft("eggs", ""));

        assertEquals(List.of(note.id() + ".json", eggs.id() + ".json").stream().sorted().toList(), fileNames());
    }

    @Test
    void aCrashLeftoverTemporaryFileIsIgnoredAndDeletedOnceStale() throws Exception {
        Clock clock = Clock.fixed(NOW, java.time.ZoneOffset.UTC);
        NoteStore store = NoteStore.open(data, clock);
        Note kept = store.create(new NoteDraft("kept", ""));
        String half = "{\"id\":\"" + NoteId.random() + "\",\"title\":\"half";
        Path stale = data.resolve(NoteStore.TEMPORARY_PREFIX + NoteId.random() + "-" + NoteId.random());
        Path fresh = data.resolve(NoteStore.TEMPORARY_PREFIX + NoteId.random() + "-" + NoteId.random());
        Files.writeString(stale, half, StandardCharsets.UTF_8);
        Files.writeString(fresh, half, StandardCharsets.UTF_8);
        Files.setLastModifiedTime(stale, FileTime.from(NOW.minus(NoteStore.STALE_TEMPORARY).minusSeconds(1)));
        Files.setLastModifiedTime(fresh, FileTime.from(NOW.minusSeconds(5)));

        NoteStore reopened = NoteStore.open(data, clock);
        assertEquals(List.of(kept), reopened.list());

        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(fresh), "a temporary file a writer may still own is left alone");
        assertEquals(Optional.of(kept), reopened.get(kept.id()));
    }

    @Test
    void concurrentCreatesFromTwoHandlersYieldDistinctNotes() throws Exception {
        NotesHandlerFactory factory = new NotesHandlerFactory();
        ServiceHandler one = factory.create(new HandlerContext("notes", "1", data));
        ServiceHandler two = factory.create(new HandlerContext("notes", "2", data));
        int each = 40;
        CyclicBarrier start = new CyclicBarrier(2);

        List<Future<List<String>>> created = new ArrayList<>();
        for (ServiceHandler handler : List.of(one, two)) {
            created.add(threads.submit(creating(handler, each, start)));
        }
        Set<String> ids = new HashSet<>();
        for (Future<List<String>> batch : created) {
            ids.addAll(batch.get(30, TimeUnit.SECONDS));
        }

        assertEquals(2 * each, ids.size());
        Set<String> listed = new HashSet<>();
        JSON.readTree(body(one.handle(request("GET", "/")))).forEach(note -> listed.add(note.get("id").textValue()));
        assertEquals(ids, listed);
    }

    @Test
    void concurrentReplacesOfOneNoteLeaveOneWholeVersion() throws Exception {
        NoteStore first = NoteStore.open(data);
        NoteStore second = NoteStore.open(data);
        Note note = first.create(new NoteDraft("v", ""));
        CyclicBarrier start = new CyclicBarrier(2);

        List<Future<?>> writers = new ArrayList<>();
        for (NoteStore store : List.of(first, second)) {
            writers.add(threads.submit((Callable<Void>) () -> {
                start.await(10, TimeUnit.SECONDS);
                for (int i = 0; i < 30; i++) {
                    store.replace(note.id(), new NoteDraft("v", "x".repeat(10_000 + i)));
                }
                return null;
            }));
        }
        for (Future<?> writer : writers) {
            writer.get(30, TimeUnit.SECONDS);
        }

        Note last = first.get(note.id()).orElseThrow();
        assertTrue(last.body().length() >= 10_000 && last.body().chars().allMatch(c -> c == 'x'));
        assertEquals(List.of(last), second.list());
        assertEquals(List.of(note.id() + ".json"), fileNames());
    }

    @Test
    void anUnreadableNoteFileIsLeftOutOfTheListAndFailsItsRead() throws Exception {
        NoteStore store = NoteStore.open(data);
        Note good = store.create(new NoteDraft("good", ""));
        NoteId broken = NoteId.random();
        Files.writeString(data.resolve(broken + ".json"), "{\"title\": \"private words", StandardCharsets.UTF_8);
        Files.writeString(data.resolve("README.txt"), "not a note", StandardCharsets.UTF_8);

        assertEquals(List.of(good), store.list());
        IOException failure = assertThrows(IOException.class, () -> store.get(broken));
        assertTrue(failure.getMessage().contains(broken + ".json is unreadable"), failure.getMessage());
        assertFalse(failure.getMessage().contains("private"), failure.getMessage());
    }

    @Test
    void deletingIsFinalAndTellsWhetherThereWasANote() throws Exception {
        NoteStore store = NoteStore.open(data);
        Note note = store.create(new NoteDraft("gone soon", ""));

        assertTrue(store.delete(note.id()));
        assertFalse(store.delete(note.id()));
        assertEquals(Optional.empty(), store.get(note.id()));
        assertEquals(Optional.empty(), store.replace(note.id(), new NoteDraft("back", "")));
        assertEquals(List.of(), fileNames());
    }

    private static Callable<List<String>> creating(ServiceHandler handler, int count, CyclicBarrier start) {
        return () -> {
            start.await(10, TimeUnit.SECONDS);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ServiceResponse response = handler.handle(request("POST", "/", "{\"title\":\"note " + i + "\"}"));
                assertEquals(201, response.status());
                ids.add(JSON.readTree(body(response)).get("id").textValue());
            }
            return ids;
        };
    }

    private List<String> fileNames() throws IOException {
        try (Stream<Path> files = Files.list(data)) {
            return files.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}
