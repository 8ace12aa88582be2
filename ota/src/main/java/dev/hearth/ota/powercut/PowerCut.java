package dev.hearth.ota.powercut;

/** Thrown out of a write or flush when the simulated power goes: nothing after it runs. */
public final class PowerCut extends RuntimeException {

    private static final long serialVersionUID = 1L;

    PowerCut(long operation) {
        super("power cut at write/flush boundary " + operation, null, false, false);
    }
}
