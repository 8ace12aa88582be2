package dev.hearth.rig;

import java.util.Optional;

/** A real board: its drivers, chosen from the rig file by {@link BoardDrivers}, put together. */
final class HardwareBoard implements Board {

    private final BoardSpec spec;
    private final Console console;
    private final PowerSwitch power;
    private final BootMedium bootMedium;
    private final HubConnection hub;

    HardwareBoard(BoardSpec spec, Console console, PowerSwitch power, BootMedium bootMedium, HubResource hubResource) {
        this.spec = spec;
        this.console = console;
        this.power = power;
        this.bootMedium = image -> {
            if (power.state() == PowerState.ON) {
                throw new IllegalStateException("board '" + spec.name() + "': cannot write the boot medium while the power is ON");
            }
            bootMedium.write(image);
        };
        this.hub = new HubConnection(hubResource, spec.device());
    }

    @Override
    public BoardSpec spec() {
        return spec;
    }

    @Override
    public Console console() {
        return console;
    }

    @Override
    public PowerSwitch power() {
        return power;
    }

    @Override
    public BootMedium bootMedium() {
        return bootMedium;
    }

    @Override
    public Optional<Reset> resetLine() {
        return Optional.empty();
    }

    @Override
    public Hub hub() {
        return hub.get();
    }

    @Override
    public Optional<HubTraffic> hubTraffic() {
        return hub.traffic();
    }

    @Override
    public void close() {
        try {
            console.close();
        } finally {
            hub.close();
        }
    }
}
