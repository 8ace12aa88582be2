package dev.hearth.rig;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Everything a console saw, line by line, with the time since the console was opened.
 *
 * @param lines in the order seen; an unfinished last line is included
 */
public record ConsoleTranscript(List<Line> lines) {

    public enum Direction {
        /** From the board. */
        RECEIVED,
        /** Typed by the rig. */
        SENT,
        /** A note by the rig: power on, power off, reset. */
        NOTE
    }

    /** One line; {@code text} holds no line end. */
    public record Line(Duration at, Direction direction, String text) {
        public String render() {
            String mark = switch (direction) {
                case RECEIVED -> "  ";
                case SENT -> "> ";
                case NOTE -> "# ";
            };
            return String.format("%9.3f %s%s", at.toMillis() / 1000.0, mark, text);
        }
    }

    public ConsoleTranscript {
        lines = List.copyOf(lines);
    }

    /** The last {@code n} lines, rendered one per line. */
    public String tail(int n) {
        return render(lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    /** The whole transcript, one line per line: seconds, direction mark, text. */
    public String render() {
        return render(lines);
    }

    private static String render(List<Line> lines) {
        return lines.stream().map(Line::render).collect(Collectors.joining("\n", "", lines.isEmpty() ? "" : "\n"));
    }
}
