package dev.hearth.rig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.nio.file.Path;
import java.util.regex.MatchResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The virtual board running Debian's U-Boot alone: console, QMP power and reset, no disk. */
class QemuBoardTest {

    private static final Duration BOOT = Duration.ofSeconds(30);

    private QemuBoard board;

    @BeforeEach
    void open() {
        board = new QemuBoard(BoardSpec.virtualBootloader("uboot"), Rig.virtualBootloader().hub());
    }

    @AfterEach
    void close() {
        board.close();
    }

    @Test
    void uBootAnswersOnTheConsoleSurvivesAResetAndPowersOff() throws Exception {
        Console console = board.console();
        PowerSwitch power = board.power();
        assertEquals(PowerState.OFF, power.state());

        power.on();
        assertEquals(PowerState.ON, power.state());
        console.expect("Hit any key to stop autoboot", BOOT);
        console.sendLine("");
        console.expect("=> ", BOOT);
        console.sendLine("version");
        MatchResult version = console.expect("U-Boot (20\\d\\d\\.\\d\\d)\\S*", BOOT);
        assertTrue(version.group(1).startsWith("20"), version.group());
        console.expect("=> ", BOOT);

        board.resetLine().orElseThrow().reset();
        console.expect("U-Boot 20\\d\\d", BOOT);
        console.expect("Hit any key to stop autoboot", BOOT);
        assertEquals(PowerState.ON, power.state(), "a reset keeps the same machine powered");

        power.off();
        assertEquals(PowerState.OFF, power.state());
        String transcript = console.transcript().render();
        assertTrue(transcript.contains("> version"), transcript);
        assertTrue(transcript.contains("# reset (QMP system_reset)"), transcript);
        assertTrue(transcript.contains("# power off (QMP quit)"), transcript);
        assertEquals(2, transcript.lines().filter(l -> l.contains("  DRAM:")).count(),
                "U-Boot started twice (power on, reset):\n" + transcript);
    }

    @Test
    void aPowerCutEndsTheMachineAndAPowerOnBootsItAgainWithTheTranscriptKept() throws Exception {
        board.power().on();
        board.console().expect("Hit any key to stop autoboot", BOOT);
        board.power().cut();
        assertEquals(PowerState.OFF, board.power().state());
        assertThrows(IllegalStateException.class, () -> board.console().sendLine("version"),
                "a console with no machine behind it refuses to send");
        board.power().on();
        board.console().expect("Hit any key to stop autoboot", BOOT);
        String transcript = board.console().transcript().render();
        assertTrue(transcript.contains("# power cut (SIGKILL)"), transcript);
        assertEquals(2, transcript.lines().filter(l -> l.contains("Hit any key")).count(), transcript);
    }

    @Test
    void theBootMediumIsRefusedWhileThePowerIsOnNamingTheState() throws Exception {
        board.power().on();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> board.bootMedium().write(Path.of("/nonexistent")));
        assertTrue(e.getMessage().contains("while ON"), e.getMessage());
    }

    @Test
    void theCommandLineHasTheDiskOnWritebackAndTheForwardsOnLoopback() {
        QemuMachine m = new QemuMachine(Optional.empty(), QemuMachine.DEBIAN_UBOOT, 512, 1,
                java.util.List.of(new QemuMachine.Forward(18080, 8080)));
        String argv = String.join(" ", QemuBoard.command(m, Optional.of(Path.of("/r/disk.qcow2")), Path.of("/r/q"), Path.of("/r/c")));
        assertTrue(argv.contains("-drive if=none,id=hd0,file=/r/disk.qcow2,format=qcow2,cache=writeback"), argv);
        assertTrue(argv.contains("hostfwd=tcp:127.0.0.1:18080-:8080"), argv);
        assertTrue(argv.contains("-bios /usr/lib/u-boot/qemu_arm64/u-boot.bin"), argv);
        assertTrue(argv.contains(" -S "), "starts paused until the console is connected: " + argv);
        assertTrue(argv.contains(" -smp 1 "), argv);
    }
}
