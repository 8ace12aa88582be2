package dev.hearth.rig;

/**
 * One board of a rig and its resources. A record that does no I/O: drivers take it.
 *
 * @param name         the board's name in this rig
 * @param boardSupport the board-support/ folder describing its kind ({@code raspberrypi4}, {@code qemu-virt-arm64})
 * @param device       the device's MQTT client id: whose birth certificate means it is online
 * @param console      how to reach its console
 * @param power        what switches its power
 * @param bootMedium   what it boots from
 * @param qemu         the virtual board's machine; used only when the resources are {@code qemu}
 * @param timeouts     how long the boot strategy waits for each state
 */
public record BoardSpec(String name, String boardSupport, String device, ConsoleResource console, PowerResource power,
                        BootMediumResource bootMedium, QemuMachine qemu, BootTimeouts timeouts) {

    public BoardSpec {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException("board: 'name' must be letters, digits, '_', '.', '-', was '" + name + "'");
        }
        if (!boardSupport.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("board " + name + ": 'boardSupport' must be a board-support folder name, was '" + boardSupport + "'");
        }
        if (!device.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("board " + name + ": 'device' must be an MQTT client id (one topic level), was '" + device + "'");
        }
        boolean qemuConsole = console instanceof ConsoleResource.Qemu;
        boolean qemuPower = power instanceof PowerResource.Qemu;
        boolean qemuMedium = bootMedium instanceof BootMediumResource.Qemu;
        if (!(qemuConsole == qemuPower && qemuPower == qemuMedium)) {
            throw new IllegalArgumentException("board " + name + ": the virtual board's console, power and boot medium are "
                    + "one QEMU process: either all three are 'qemu' or none is");
        }
    }

    /** True for the virtual board. */
    public boolean virtual() {
        return console instanceof ConsoleResource.Qemu;
    }

    /** The virtual board running U-Boot alone (no disk), for tests of the rig itself. */
    public static BoardSpec virtualBootloader(String name) {
        return new BoardSpec(name, "qemu-virt-arm64", "hearth-device", new ConsoleResource.Qemu(), new PowerResource.Qemu(),
                new BootMediumResource.Qemu(), QemuMachine.bootloaderOnly(), BootTimeouts.DEFAULTS);
    }
}
