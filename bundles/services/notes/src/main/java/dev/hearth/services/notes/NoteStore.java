package dev.hearth.services.notes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notes in one directory, one file per note ({@code <id>.json}). Every write goes to a temporary
 * file in the same directory ({@code .tmp-...}), is forced to disk, renamed over the note's file
 * atomically, and the directory is forced too: a note is either wholly there or not at all, and
 * once a call returns it survives power loss.
 *
 * <p>Several stores (one per instance) may share a directory at the same time: ids are random, a
 * rename is atomic, so concurrent writers of one note leave the last writer's version, and readers
 * never see half a note. Temporary files are never read; those left by a crash are deleted by the
 * first listing of each store once they are older than {@link #STALE_TEMPORARY}, so that the
 * temporary file of a writer still at work is never taken.
 */
public final class NoteStore {

    /** A temporary file older than this is a crash's leftover, not a write in progress. */
    public static final Duration STALE_TEMPORARY = Duration.ofMinutes(1);

    static final String SUFFIX = ".json";
    static final String TEMPORARY_PREFIX = ".tmp-";

    private static final Logger LOG = LoggerFactory.getLogger(NoteStore.class);
    private static final Comparator<Note> BY_CREATION =
            Comparator.comparing(Note::created).thenComparing(note -> note.id().value());

    private final Path directory;
    private final Clock clock;
    private final AtomicBoolean swept = new AtomicBoolean();

    private NoteStore(Path directory, Clock clock) {
        this.directory = directory;
        this.clock = clock;
    }

    /** Opens the store in {@code directory}, creating the directory when it is missing. */
    public static NoteStore open(Path directory) throws IOException {
        return open(directory, Clock.systemUTC());
    }

    /** Opens the store with the clock that stamps notes (and ages temporary files). */
    public static NoteStore open(Path directory, Clock clock) throws IOException {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(clock, "clock");
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new IOException("notes store: cannot create " + directory, e);
        }
        return new NoteStore(directory, clock);
    }

    public Path directory() {
        return directory;
    }

    /** Stores a new note with a fresh id. */
    public Note create(NoteDraft draft) throws IOException {
        Instant now = clock.instant();
        Note note = new Note(NoteId.random(), draft.title(), draft.body(), now, now);
        write(note);
        return note;
    }

    public Optional<Note> get(NoteId id) throws IOException {
        return read(file(id));
    }

    /** Every note, oldest first (ties broken by id). */
    public List<Note> list() throws IOException {
        boolean sweep = swept.compareAndSet(false, true);
        Instant staleBefore = clock.instant().minus(STALE_TEMPORARY);
        List<Note> notes = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(TEMPORARY_PREFIX)) {
                    if (sweep) {
                        deleteIfStale(entry, staleBefore);
                    }
                } else if (name.endsWith(SUFFIX)
                        && NoteId.parse(name.substring(0, name.length() - SUFFIX.length())).isPresent()) {
                    readListed(entry).ifPresent(notes::add);
                }
            }
        } catch (IOException e) {
            throw new IOException("notes store: cannot list " + directory, e);
        }
        notes.sort(BY_CREATION);
        return notes;
    }

    /** Replaces title and body of a note; empty when there is no such note. */
    public Optional<Note> replace(NoteId id, NoteDraft draft) throws IOException {
        Optional<Note> old = get(id);
        if (old.isEmpty()) {
            return old;
        }
        Note note = new Note(id, draft.title(), draft.body(), old.get().created(), clock.instant());
        write(note);
        return Optional.of(note);
    }

    /** Deletes a note; false when there was none. */
    public boolean delete(NoteId id) throws IOException {
        boolean deleted;
        try {
            deleted = Files.deleteIfExists(file(id));
        } catch (IOException e) {
            throw new IOException("notes store: cannot delete note " + id + " in " + directory, e);
        }
        if (deleted) {
            forceDirectory();
        }
        return deleted;
    }

    private Path file(NoteId id) {
        return directory.resolve(id.value() + SUFFIX);
    }

    private void write(Note note) throws IOException {
        byte[] json = NoteJson.write(note);
        Path temporary = directory.resolve(TEMPORARY_PREFIX + note.id().value() + "-" + NoteId.random().value());
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(json);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temporary, file(note.id()), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            IOException failure = new IOException("notes store: cannot write note " + note.id() + " in " + directory, e);
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException cleanup) {
                failure.addSuppressed(cleanup);
            }
            throw failure;
        }
        forceDirectory();
    }

    /** Makes a rename or delete in the directory durable. */
    private void forceDirectory() throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (UnsupportedOperationException e) {
            // The file system cannot open directories as channels: there is nothing to force.
            return;
        } catch (IOException e) {
            throw new IOException("notes store: cannot force " + directory + " to disk", e);
        }
    }

    private Optional<Note> read(Path file) throws IOException {
        Optional<byte[]> json = bytes(file);
        if (json.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(NoteJson.readNote(json.get()));
        } catch (IOException e) {
            throw new IOException("notes store: " + file + " is unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a note found by listing. One deleted since is left out; so is one whose content is not
     * a note (logged, without the content), so that one bad file does not hide all the others.
     */
    private Optional<Note> readListed(Path file) throws IOException {
        Optional<byte[]> json = bytes(file);
        if (json.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(NoteJson.readNote(json.get()));
        } catch (IOException e) {
            LOG.warn("notes store: leaving {} out of the list: {}", file, e.getMessage());
            return Optional.empty();
        }
    }

    /** The content of a file, or empty when it does not exist (any more). */
    private static Optional<byte[]> bytes(Path file) throws IOException {
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IOException("notes store: cannot read " + file, e);
        }
    }

    private void deleteIfStale(Path temporary, Instant staleBefore) {
        try {
            if (Files.getLastModifiedTime(temporary).toInstant().isBefore(staleBefore)) {
                Files.deleteIfExists(temporary);
                LOG.info("notes store: deleted {}, left over from an interrupted write", temporary);
            }
        } catch (NoSuchFileException e) {
            // Renamed or deleted by its writer since the listing: not a leftover.
            return;
        } catch (IOException e) {
            LOG.warn("notes store: cannot delete the leftover {}: {}", temporary, e.toString());
        }
    }
}
