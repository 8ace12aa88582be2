package dev.hearth.rig;

import java.net.URI;
import java.util.function.Function;

/** What switches a board's power. A record that does no I/O. */
public sealed interface PowerResource {

    /** Exhaustive choice on the kind of switch (Java 17 has no pattern switch): exactly one function is applied. */
    <T> T map(Function<Qemu, T> qemu, Function<Gpio, T> gpio, Function<Pdu, T> pdu);

    /** The virtual board's QEMU process: started, quit, killed; reset through QMP. */
    record Qemu() implements PowerResource {
        @Override
        public <T> T map(Function<Qemu, T> qemu, Function<Gpio, T> gpio, Function<Pdu, T> pdu) {
            return qemu.apply(this);
        }
    }

    /**
     * A relay on a GPIO line of the rig's host, through the Linux GPIO character device.
     *
     * @param chip      {@code gpiochip0}, a label, or {@code /dev/gpiochipN}
     * @param line      the line's offset on that chip
     * @param activeLow true when driving the line low closes the relay (board powered)
     */
    record Gpio(String chip, int line, boolean activeLow) implements PowerResource {
        @Override
        public <T> T map(Function<Qemu, T> qemu, Function<Gpio, T> gpio, Function<Pdu, T> pdu) {
            return gpio.apply(this);
        }

        public Gpio {
            if (!chip.matches("[A-Za-z0-9_./:-]+")) {
                throw new IllegalArgumentException("gpio power: 'chip' must be a chip name, label or /dev path, was '" + chip + "'");
            }
            if (line < 0) {
                throw new IllegalArgumentException("gpio power: 'line' must be 0 or more, was " + line);
            }
        }
    }

    /**
     * An outlet of a network PDU speaking the API of {@code HttpPduPowerSwitch}.
     *
     * @param url    the PDU's base URL, {@code http://} or {@code https://}
     * @param outlet the outlet's number, from 1
     */
    record Pdu(URI url, int outlet) implements PowerResource {
        @Override
        public <T> T map(Function<Qemu, T> qemu, Function<Gpio, T> gpio, Function<Pdu, T> pdu) {
            return pdu.apply(this);
        }

        public Pdu {
            if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
                throw new IllegalArgumentException("pdu power: 'url' must be an http(s) URL with a host, was " + url);
            }
            if (outlet < 1) {
                throw new IllegalArgumentException("pdu power: 'outlet' must be 1 or more, was " + outlet);
            }
        }
    }
}
