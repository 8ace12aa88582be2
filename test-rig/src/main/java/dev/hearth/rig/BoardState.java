package dev.hearth.rig;

/** Where the boot strategy has a board, in the order a boot passes through them. */
public enum BoardState {
    /** Powered off. */
    OFF,
    /** At the U-Boot prompt, autoboot stopped. */
    BOOTLOADER,
    /** Linux up, a root shell answering on the console. */
    SHELL,
    /** The agent's birth certificate reached the hub. */
    ONLINE
}
