package dev.hearth.rig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The boot strategy on the virtual board with U-Boot alone, through the rig extension: the test
 * asks for protocols and gets the board at the U-Boot prompt.
 */
@ExtendWith(RigExtension.class)
@BoardIn(BoardState.BOOTLOADER)
class BootStrategyTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void theBoardArrivesAtTheUBootPromptReadyForCommands(Console console, PowerSwitch power, BootStrategy strategy) throws Exception {
        assertEquals(BoardState.BOOTLOADER, strategy.state());
        assertEquals(PowerState.ON, power.state());
        console.sendLine("echo rig-$((1+1))");
        console.expect("\\n\\s*rig-\\$\\(\\(1\\+1\\)\\)\\s*\\n", WAIT); // U-Boot's hush has no arithmetic: it echoes the text
        console.expect("=> ", WAIT);
        List<String> steps = strategy.milestones().stream().map(Milestone::what).toList();
        assertEquals(List.of("power on", "BOOTLOADER"), steps);
        assertTrue(strategy.milestones().get(1).at().compareTo(WAIT) < 0);
    }

    @Test
    void aBoardAlreadyInTheStateIsNotBootedAgain(Board board, BootStrategy strategy) throws Exception {
        int lines = board.console().transcript().lines().size();
        strategy.transition(BoardState.BOOTLOADER);
        assertEquals(lines, board.console().transcript().lines().size(), "no power cycle, nothing typed");
    }

    @Test
    void aBoardThatCannotBootLinuxIsReportedStuckAtTheBootloaderWithItsLastConsoleLines() throws Exception {
        BoardSpec spec = BoardSpec.virtualBootloader("no-linux");
        BoardSpec shortShell = new BoardSpec(spec.name(), spec.boardSupport(), spec.device(), spec.console(), spec.power(),
                spec.bootMedium(), spec.qemu(), new BootTimeouts(WAIT, Duration.ofSeconds(4), WAIT));
        try (Board board = BoardDrivers.open(Rig.virtualBootloader(), shortShell)) {
            BootStrategy strategy = new BootStrategy(board);
            BoardStuckException e = assertThrows(BoardStuckException.class, () -> strategy.transition(BoardState.SHELL));
            assertEquals(BoardState.BOOTLOADER, e.reached());
            assertEquals(BoardState.SHELL, e.target());
            assertTrue(e.getMessage().startsWith("board 'no-linux' stuck at BOOTLOADER on the way to SHELL: no root shell"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("last console lines:\n") && e.getMessage().contains("> " + BootStrategy.SHELL_PROBE),
                    "the probe U-Boot did not evaluate is among the last lines: " + e.getMessage());
        }
    }

    @Test
    void aBoardWithoutTheAutobootPromptIsReportedStuckBeforeTheBootloader() {
        BoardSpec spec = BoardSpec.virtualBootloader("impatient");
        BoardSpec impatient = new BoardSpec(spec.name(), spec.boardSupport(), spec.device(), spec.console(), spec.power(),
                spec.bootMedium(), spec.qemu(), new BootTimeouts(Duration.ofMillis(1), WAIT, WAIT));
        try (Board board = BoardDrivers.open(Rig.virtualBootloader(), impatient)) {
            BoardStuckException e = assertThrows(BoardStuckException.class, () -> new BootStrategy(board).transition(BoardState.BOOTLOADER));
            assertEquals(BoardState.OFF, e.reached());
            assertTrue(e.getMessage().contains("stuck at OFF on the way to BOOTLOADER: no U-Boot autoboot prompt"), e.getMessage());
        }
    }
}
