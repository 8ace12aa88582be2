package dev.hearth.rig;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A rig: its hub and its boards, as a rig file describes them. A record that does no I/O.
 */
public record Rig(HubResource hub, List<BoardSpec> boards) {

    public Rig {
        boards = List.copyOf(boards);
        if (boards.isEmpty()) {
            throw new IllegalArgumentException("rig: no boards");
        }
        if (boards.stream().map(BoardSpec::name).distinct().count() != boards.size()) {
            throw new IllegalArgumentException("rig: board names must be distinct, were "
                    + boards.stream().map(BoardSpec::name).collect(Collectors.joining(", ")));
        }
    }

    /** The board of that name. */
    public BoardSpec board(String name) {
        return boards.stream().filter(b -> b.name().equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "rig: no board '" + name + "'; boards: " + boards.stream().map(BoardSpec::name).collect(Collectors.joining(", "))));
    }

    /** The virtual board with U-Boot alone and a local broker, for the rig's own tests. */
    public static Rig virtualBootloader() {
        return new Rig(new HubResource("tcp://127.0.0.1:1883", HubResource.DEFAULT_ACCOUNT, HubResource.DEFAULT_CLIENT_ID),
                List.of(BoardSpec.virtualBootloader("virtual")));
    }
}
