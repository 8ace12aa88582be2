package dev.hearth.updater;

/**
 * Restarts the userland so that the launcher starts the userland store's {@code current} set: after a
 * userland install, and after a rollback of a set that did not become healthy.
 */
interface UserlandRestart {

    /** No restart is possible here: a needed one is only logged and stated in the last result. */
    UserlandRestart NONE = new UserlandRestart() {
        @Override
        public String name() {
            return "none";
        }

        @Override
        public boolean restart() {
            return false;
        }
    };

    /** For logs. */
    String name();

    /** Asks for the restart and returns at once; false when nothing will restart. */
    boolean restart();
}
