package dev.hearth.rig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a board between {@link BoardState}s, forward along OFF -> BOOTLOADER -> SHELL -> ONLINE,
 * through its protocols only, so it works on the virtual board and on hardware alike:
 * <ul>
 * <li>BOOTLOADER: power off, power on, U-Boot's "Hit any key to stop autoboot", a key, the {@code =>} prompt;</li>
 * <li>SHELL: {@code boot}, then a line the shell must evaluate ({@code echo rig-$((20+22))-shell}) typed every
 *     few seconds until {@code rig-42-shell} comes back: the typed line echoes the expression, only a shell prints 42;</li>
 * <li>ONLINE: a birth certificate on the hub that arrived after this power on.</li>
 * </ul>
 * Going back (ONLINE to BOOTLOADER) or to ONLINE without having watched the hub since the power on
 * starts again from OFF. A failure is a {@link BoardStuckException} naming the state reached and the
 * console's last lines. Not thread-safe: one test drives a board at a time.
 */
public final class BootStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(BootStrategy.class);
    static final Pattern AUTOBOOT = Pattern.compile("Hit any key to stop autoboot");
    static final Pattern UBOOT_PROMPT = Pattern.compile("=> ");
    static final String SHELL_PROBE = "echo rig-$((20+22))-shell";
    static final Pattern SHELL_ANSWER = Pattern.compile("rig-42-shell");
    private static final Duration PROBE_EVERY = Duration.ofSeconds(3);

    private final Board board;
    private final BootTimeouts timeouts;
    private BoardState state = BoardState.OFF;
    private boolean known;
    private long poweredOn;
    private Optional<Integer> hubMark = Optional.empty();
    private final List<Milestone> milestones = new ArrayList<>();

    public BootStrategy(Board board) {
        this.board = board;
        this.timeouts = board.spec().timeouts();
    }

    /** The state the strategy last brought the board to (OFF before anything was done). */
    public BoardState state() {
        return state;
    }

    /** The steps of the last boot, from its power on. */
    public List<Milestone> milestones() {
        return List.copyOf(milestones);
    }

    /** Brings the board to {@code target}. */
    public void transition(BoardState target) throws BoardStuckException {
        if (known && target == state && target != BoardState.OFF) {
            return;
        }
        if (!known || target.compareTo(state) < 0 || (target == BoardState.ONLINE && hubMark.isEmpty())) {
            powerOff();
        }
        if (target == BoardState.OFF) {
            powerOff();
            return;
        }
        if (state == BoardState.OFF) {
            bootloader(target);
        }
        if (target.compareTo(BoardState.SHELL) >= 0 && state == BoardState.BOOTLOADER) {
            shell(target);
        }
        if (target == BoardState.ONLINE && state == BoardState.SHELL) {
            online();
        }
    }

    private void powerOff() {
        board.power().off();
        state = BoardState.OFF;
        known = true;
        hubMark = Optional.empty();
    }

    private void bootloader(BoardState target) throws BoardStuckException {
        if (target == BoardState.ONLINE) {
            hubMark = Optional.of(board.hub().mark()); // before the power on: the birth may come quickly
        }
        milestones.clear();
        poweredOn = System.nanoTime();
        board.power().on();
        reached("power on");
        expect(AUTOBOOT, timeouts.bootloader(), target, "no U-Boot autoboot prompt");
        board.console().sendLine("");
        expect(UBOOT_PROMPT, timeouts.bootloader(), target, "no U-Boot prompt after stopping autoboot");
        enter(BoardState.BOOTLOADER);
    }

    private void shell(BoardState target) throws BoardStuckException {
        board.console().sendLine("boot");
        long deadline = System.nanoTime() + timeouts.shell().toNanos();
        while (true) {
            try {
                board.console().expect(SHELL_ANSWER, PROBE_EVERY);
                enter(BoardState.SHELL);
                return;
            } catch (ConsoleTimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw stuck(target, "no root shell answered on the console within " + timeouts.shell().toSeconds() + " s", e);
                }
                if (board.power().state() == PowerState.OFF) {
                    throw stuck(target, "the board powered itself off while booting", e);
                }
                board.console().sendLine(SHELL_PROBE);
            }
        }
    }

    private void online() throws BoardStuckException {
        try {
            board.hub().awaitBirth(hubMark.orElseThrow(), timeouts.online());
            enter(BoardState.ONLINE);
        } catch (HubTimeoutException e) {
            throw stuck(BoardState.ONLINE, e.getMessage() + " of the power on", e);
        }
    }

    private void expect(Pattern p, Duration timeout, BoardState target, String why) throws BoardStuckException {
        try {
            board.console().expect(p, timeout);
        } catch (ConsoleTimeoutException e) {
            throw stuck(target, why + " within " + timeout.toSeconds() + " s", e);
        }
    }

    private void enter(BoardState s) {
        state = s;
        reached(s.name());
        LOG.info("board {}: {}", board.name(), s);
    }

    private void reached(String what) {
        milestones.add(new Milestone(what, Duration.ofNanos(System.nanoTime() - poweredOn)));
    }

    private BoardStuckException stuck(BoardState target, String why, Exception cause) {
        reached("stuck on the way to " + target + ": " + why);
        return new BoardStuckException(board.name(), state, target, why, board.console().transcript().tail(25), cause);
    }
}
