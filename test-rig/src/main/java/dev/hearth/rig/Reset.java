package dev.hearth.rig;

/** A reset line: the board restarts from its boot ROM with power kept on. */
public interface Reset {

    void reset();
}
