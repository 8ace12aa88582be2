package dev.hearth.rig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.MatchResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serial console on a real tty: a pair of ptys joined by socat, one end the rig's "adapter",
 * the other the "board" this test plays.
 */
class SerialConsoleTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path tmp;
    private Process socat;
    private Path adapter;
    private Path boardSide;

    @BeforeEach
    void pair() throws Exception {
        adapter = tmp.resolve("adapter");
        boardSide = tmp.resolve("board");
        socat = new ProcessBuilder("socat", "pty,raw,echo=0,link=" + adapter, "pty,raw,echo=0,link=" + boardSide)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("socat.log").toFile()).start();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!(Files.exists(adapter) && Files.exists(boardSide))) {
            assertTrue(socat.isAlive(), "socat runs: " + Files.readString(tmp.resolve("socat.log")));
            assertTrue(System.nanoTime() < deadline, "socat made its ptys in time");
            LockSupport.parkNanos(5_000_000);
        }
        HostCommand.of("stty", "-F", boardSide.toString(), "raw", "-echo", "min", "0", "time", "1").run("board side", WAIT);
    }

    @AfterEach
    void unpair() throws InterruptedException {
        socat.destroy();
        socat.waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    void theConsoleSeesWhatTheBoardPrintsAndTheBoardGetsWhatTheConsoleTypes() throws Exception {
        try (SerialConsole console = new SerialConsole("pi", adapter, 115200);
             FileOutputStream board = new FileOutputStream(boardSide.toFile());
             FileInputStream fromRig = new FileInputStream(boardSide.toFile())) {
            board.write("U-Boot 2023.01 (rpi)\r\n\r\nHit any key to stop autoboot:  2 ".getBytes(StandardCharsets.US_ASCII));
            board.flush();
            MatchResult m = console.expect("U-Boot (\\S+)", WAIT);
            assertEquals("2023.01", m.group(1));
            console.expect("Hit any key to stop autoboot", WAIT);

            console.sendLine("version");
            assertEquals("version\r", readFrom(fromRig, "version\r".length()));

            assertEquals(":  2 ", console.read(WAIT), "read returns the text after the last match");
            board.write("line one\r\nline two\r\n".getBytes(StandardCharsets.US_ASCII));
            board.flush();
            assertEquals("line one", console.readLine(WAIT).orElseThrow());
            assertEquals("line two", console.readLine(WAIT).orElseThrow());
            List<String> lines = console.transcript().lines().stream().map(ConsoleTranscript.Line::text).toList();
            assertTrue(lines.containsAll(List.of("U-Boot 2023.01 (rpi)", "version", "Hit any key to stop autoboot:  2 line one", "line two")), lines.toString());
        }
    }

    @Test
    void anExpectThatTimesOutNamesThePatternAndTheLastLines() throws Exception {
        try (SerialConsole console = new SerialConsole("pi", adapter, 115200);
             FileOutputStream board = new FileOutputStream(boardSide.toFile())) {
            board.write("Starting kernel ...\r\n".getBytes(StandardCharsets.US_ASCII));
            board.flush();
            console.expect("Starting kernel", WAIT);
            ConsoleTimeoutException e = assertThrows(ConsoleTimeoutException.class,
                    () -> console.expect("login:", Duration.ofMillis(300)));
            assertTrue(e.getMessage().contains("/login:/") && e.getMessage().contains("Starting kernel ..."), e.getMessage());
        }
    }

    @Test
    void aClosedConsoleRefusesToSendNamingItsState() {
        SerialConsole console = new SerialConsole("pi", adapter, 115200);
        console.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> console.sendLine("x"));
        assertTrue(e.getMessage().contains("while CLOSED"), e.getMessage());
    }

    @Test
    void aMissingTtyIsReportedWithSttysMessage() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new SerialConsole("pi", tmp.resolve("ttyUSB9"), 115200));
        assertTrue(e.getMessage().contains("ttyUSB9") && e.getMessage().contains("exited with"), e.getMessage());
    }

    @Test
    void theLineIsSetRawAtTheRigFilesSpeed() {
        assertEquals("stty -F /dev/ttyUSB0 115200 raw -echo -echoe -echok -echoctl -echoke cs8 -cstopb -parenb -crtscts -ixon -ixoff clocal min 0 time 1",
                SerialConsole.sttyCommand(Path.of("/dev/ttyUSB0"), 115200).toString());
    }

    private static String readFrom(FileInputStream in, int length) throws IOException {
        StringBuilder got = new StringBuilder();
        byte[] b = new byte[256];
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (got.length() < length && System.nanoTime() < deadline) {
            int n = in.read(b); // returns after 0.1 s of silence (min 0 time 1)
            if (n > 0) {
                got.append(new String(b, 0, n, StandardCharsets.US_ASCII));
            }
        }
        return got.toString();
    }
}
