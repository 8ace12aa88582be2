package dev.hearth.rig;

/** What a power switch says about the board's supply. */
public enum PowerState {
    ON, OFF,
    /** The switch cannot tell (a relay that was never set by this rig). */
    UNKNOWN
}
