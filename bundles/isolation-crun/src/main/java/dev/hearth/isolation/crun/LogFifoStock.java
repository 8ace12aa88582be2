package dev.hearth.isolation.crun;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * FIFOs made ahead for containers' output. The JDK cannot make a FIFO, so each costs a
 * {@code mkfifo} process; made {@value #BATCH} at a time, a container's creation pays a sixteenth
 * of one. A FIFO is handed out by renaming it into the container's directory (same file system).
 */
final class LogFifoStock {

    static final int BATCH = 16;

    private final Path directory;
    private final Deque<Path> stock = new ArrayDeque<>();
    private long made;

    /** A stock in {@code directory}, emptied of what a previous run left. */
    LogFifoStock(Path directory) throws IOException {
        this.directory = directory;
        Files.createDirectories(directory);
        try (Stream<Path> leftovers = Files.list(directory)) {
            for (Path leftover : leftovers.toList()) {
                Files.delete(leftover);
            }
        }
    }

    /** Moves a FIFO (mode 600) to {@code target}, making a batch first when the stock is empty. */
    void take(Path target) throws IOException {
        Path fifo;
        synchronized (this) {
            if (stock.isEmpty()) {
                makeBatch();
            }
            fifo = stock.pollFirst();
        }
        Files.move(fifo, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private void makeBatch() throws IOException {
        List<String> command = new ArrayList<>(List.of("mkfifo", "-m", "600"));
        List<Path> batch = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            Path fifo = directory.resolve("fifo-" + made++);
            batch.add(fifo);
            command.add(fifo.toString());
        }
        try {
            Process mkfifo = new ProcessBuilder(command).redirectErrorStream(true).start();
            String problem = new String(mkfifo.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!mkfifo.waitFor(10, TimeUnit.SECONDS) || mkfifo.exitValue() != 0) {
                throw new IOException("mkfifo in " + directory + " failed: " + problem);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making FIFOs in " + directory, e);
        }
        stock.addAll(batch);
    }
}
