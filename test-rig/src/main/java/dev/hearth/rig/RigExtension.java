package dev.hearth.rig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 extension giving tests a board of the rig by its protocols: parameters of type
 * {@link Board}, {@link Console}, {@link PowerSwitch}, {@link BootMedium}, {@link Hub} and
 * {@link BootStrategy}. One board per test class, opened at first use and closed after the class.
 * {@link BoardIn} / {@link OnlineBoard} bring it to a state before each test.
 *
 * <p>After each test, the console transcript, the hub's traffic and the boot's milestones of that
 * test are written to {@link #reportFolder} (console.txt, mqtt.txt,
 * timings.txt); when the test failed they are also published as report entries, with the console's
 * last lines.
 *
 * <p>Which rig: the one given to {@link #RigExtension(Rig, String)} ({@code @RegisterExtension}), or
 * with {@code @ExtendWith} the rig file named by the system property {@code hearth.rig} and the board
 * {@code hearth.rig.board} (default: the file's first), or else the virtual board with U-Boot alone.
 */
public final class RigExtension implements ParameterResolver, BeforeEachCallback, AfterEachCallback {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RigExtension.class);
    private static final Set<Class<?>> PROTOCOLS = Set.of(Board.class, Console.class, PowerSwitch.class, BootMedium.class,
            Hub.class, BootStrategy.class);

    private final Optional<Rig> rig;
    private final Optional<String> boardName;

    /** For {@code @ExtendWith}: the rig from {@code -Dhearth.rig=FILE}, else the virtual board with U-Boot alone. */
    public RigExtension() {
        this.rig = Optional.empty();
        this.boardName = Optional.empty();
    }

    /** For {@code @RegisterExtension}: a given rig and board. */
    public RigExtension(Rig rig, String boardName) {
        this.rig = Optional.of(rig);
        this.boardName = Optional.of(boardName);
    }

    /** The open board and its strategy; closed with the class's extension store. */
    private static final class OpenBoard implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        final Board board;
        final BootStrategy strategy;

        OpenBoard(Board board) {
            this.board = board;
            this.strategy = new BootStrategy(board);
        }

        @Override
        public void close() {
            board.close();
        }
    }

    /** Where the console and hub logs stood when a test began. */
    private record Start(int consoleLines, int hubEntries) { }

    private OpenBoard open(ExtensionContext context) {
        ExtensionContext classContext = context.getParent().filter(p -> p.getTestClass().isPresent()
                && p.getTestMethod().isEmpty()).orElse(context);
        return classContext.getStore(NS).getOrComputeIfAbsent(OpenBoard.class, k -> {
            Rig r = rig.orElseGet(RigExtension::configuredRig);
            BoardSpec spec = boardName.or(() -> Optional.ofNullable(System.getProperty("hearth.rig.board")))
                    .map(r::board).orElse(r.boards().get(0));
            return new OpenBoard(BoardDrivers.open(r, spec));
        }, OpenBoard.class);
    }

    private static Rig configuredRig() {
        String file = System.getProperty("hearth.rig", "");
        if (file.isBlank()) {
            return Rig.virtualBootloader();
        }
        try {
            return RigFile.read(Path.of(file));
        } catch (RigFileException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return PROTOCOLS.contains(parameter.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        OpenBoard open = open(context);
        Class<?> type = parameter.getParameter().getType();
        if (type == Board.class) {
            return open.board;
        } else if (type == Console.class) {
            return open.board.console();
        } else if (type == PowerSwitch.class) {
            return open.board.power();
        } else if (type == BootMedium.class) {
            return open.board.bootMedium();
        } else if (type == Hub.class) {
            return open.board.hub();
        } else if (type == BootStrategy.class) {
            return open.strategy;
        }
        throw new ParameterResolutionException("rig: cannot give a " + type.getName());
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        OpenBoard open = open(context);
        context.getStore(NS).put(Start.class, new Start(open.board.console().transcript().lines().size(),
                open.board.hubTraffic().map(t -> t.entries().size()).orElse(0)));
        Optional<BoardIn> wanted = AnnotationSupport.findAnnotation(context.getRequiredTestMethod(), BoardIn.class)
                .or(() -> AnnotationSupport.findAnnotation(context.getRequiredTestClass(), BoardIn.class));
        if (wanted.isPresent()) {
            open.strategy.transition(wanted.get().value());
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        OpenBoard open = open(context);
        Start start = Optional.ofNullable(context.getStore(NS).get(Start.class, Start.class)).orElse(new Start(0, 0));
        List<ConsoleTranscript.Line> lines = open.board.console().transcript().lines();
        ConsoleTranscript console = new ConsoleTranscript(lines.subList(Math.min(start.consoleLines(), lines.size()), lines.size()));
        List<HubTraffic.Entry> entries = open.board.hubTraffic().map(HubTraffic::entries).orElse(List.of());
        HubTraffic traffic = new HubTraffic(entries.subList(Math.min(start.hubEntries(), entries.size()), entries.size()));
        String timings = open.strategy.milestones().stream().map(Milestone::render).collect(Collectors.joining("\n", "", "\n"));

        Path folder = reportFolder(context);
        try {
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("console.txt"), console.render());
            Files.writeString(folder.resolve("mqtt.txt"), traffic.render());
            Files.writeString(folder.resolve("timings.txt"), timings);
        } catch (IOException e) {
            throw new UncheckedIOException("rig: cannot write the test's report to " + folder + ": " + e.getMessage(), e);
        }
        if (context.getExecutionException().isPresent()) {
            publish(context, "rig.board", open.board.name() + " (" + open.strategy.state() + ")");
            publish(context, "rig.report", folder.toAbsolutePath().toString());
            publish(context, "rig.timings", timings);
            publish(context, "rig.console.tail", console.tail(40));
            publish(context, "rig.mqtt", traffic.render());
        }
    }

    /**
     * Where a test's console transcript, hub traffic and timings go: {@code <hearth.rig.report>/<class>/<method>/},
     * by default under {@code target/surefire-reports/rig/}.
     */
    public static Path reportFolder(ExtensionContext context) {
        Path root = Optional.ofNullable(System.getProperty("hearth.rig.report")).map(Path::of)
                .orElseGet(() -> Path.of(System.getProperty("basedir", "."), "target", "surefire-reports", "rig"));
        return root.resolve(context.getRequiredTestClass().getName()).resolve(context.getRequiredTestMethod().getName());
    }

    private static void publish(ExtensionContext context, String key, String value) {
        context.publishReportEntry(key, value.isBlank() ? "(none)" : value);
    }
}
