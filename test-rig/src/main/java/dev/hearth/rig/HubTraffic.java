package dev.hearth.rig;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a {@link Hub} sent and received, with the time since it connected. Metrics are kept;
 * bodies only by size (they may hold personal data).
 */
public record HubTraffic(List<Entry> entries) {

    public enum Direction { COMMAND, REPLY, EVENT }

    public record Entry(Duration at, Direction direction, String text) {
        public String render() {
            return String.format("%9.3f %-7s %s", at.toMillis() / 1000.0, direction, text);
        }
    }

    public HubTraffic {
        entries = List.copyOf(entries);
    }

    public String render() {
        return entries.stream().map(Entry::render).collect(Collectors.joining("\n", "", entries.isEmpty() ? "" : "\n"));
    }
}
