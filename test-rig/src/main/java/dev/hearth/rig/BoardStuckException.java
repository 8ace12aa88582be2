package dev.hearth.rig;

/** The boot strategy could not bring a board to a state; the message says where it got stuck and what the console last said. */
public final class BoardStuckException extends Exception {

    private static final long serialVersionUID = 1L;

    private final BoardState reached;
    private final BoardState target;

    public BoardStuckException(String board, BoardState reached, BoardState target, String why, String lastLines, Throwable cause) {
        super("board '" + board + "' stuck at " + reached + " on the way to " + target + ": " + why
                + "\nlast console lines:\n" + lastLines, cause);
        this.reached = reached;
        this.target = target;
    }

    /** The last state the board was seen in. */
    public BoardState reached() {
        return reached;
    }

    public BoardState target() {
        return target;
    }
}
