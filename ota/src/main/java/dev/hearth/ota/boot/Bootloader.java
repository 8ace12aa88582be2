package dev.hearth.ota.boot;

import java.io.IOException;

/**
 * The boot selection as the running system sees and changes it. Every change is durable when the
 * call returns, and a power cut during a change leaves either the old or the new selection.
 */
public interface Bootloader {

    BootSelection selection() throws IOException;

    /** The slot proved healthy: full attempts again. */
    void markGood(String bootName) throws IOException;

    /** The slot must not boot: no attempts, out of the order (before it is written, or after it failed). */
    void markBad(String bootName) throws IOException;

    /** Try this slot on the next boot, with full attempts; the others stay behind it as fall-backs. */
    void markActive(String bootName) throws IOException;
}
