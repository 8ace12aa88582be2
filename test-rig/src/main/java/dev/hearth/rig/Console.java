package dev.hearth.rig;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * The board's serial console. Output is kept in two places: the <em>unread</em> text, which
 * {@link #read}, {@link #readLine} and {@link #expect} consume, and the {@link #transcript()},
 * which keeps every line in both directions with the time it was seen, across power cycles.
 */
public interface Console extends AutoCloseable {

    /**
     * Waits until the unread text matches {@code pattern} (it may span lines and need not end a
     * line), consumes the text up to the end of the match and returns the match.
     *
     * @throws ConsoleTimeoutException naming the pattern and the last lines when it did not match in time
     */
    MatchResult expect(Pattern pattern, Duration timeout) throws ConsoleTimeoutException;

    default MatchResult expect(String regex, Duration timeout) throws ConsoleTimeoutException {
        return expect(Pattern.compile(regex), timeout);
    }

    /** Waits for unread text and consumes all of it; empty when none came in time. */
    String read(Duration timeout);

    /** The next unread whole line, without its line end; empty when none came in time. */
    Optional<String> readLine(Duration timeout);

    /** Sends a line ended by a carriage return, as a person at a terminal would. */
    void sendLine(String line);

    ConsoleTranscript transcript();

    @Override
    void close();
}
