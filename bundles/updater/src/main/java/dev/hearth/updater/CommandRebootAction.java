package dev.hearth.updater;

import dev.hearth.updater.api.RebootAction;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Reboots the board by running a command (busybox {@code reboot} signals init, which runs the
 * shutdown script and restarts the kernel). Configuration PID {@value #PID}, required: a developer
 * machine has no reboot action unless configured.
 */
@Component(name = CommandRebootAction.PID, configurationPid = CommandRebootAction.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = RebootAction.class)
@Designate(ocd = CommandRebootAction.Config.class)
public final class CommandRebootAction implements RebootAction {

    public static final String PID = "dev.hearth.updater.reboot";

    @ObjectClassDefinition(id = PID, name = "Hearth reboot command", description = "The command that reboots the board.")
    public @interface Config {
        @AttributeDefinition(description = "Command and arguments, separated by spaces")
        String command() default "/sbin/reboot";
    }

    private final List<String> command;

    @Activate
    public CommandRebootAction(Config config) {
        this(Arrays.asList(config.command().trim().split("\\s+")));
    }

    public CommandRebootAction(List<String> command) {
        this.command = List.copyOf(command);
        if (this.command.isEmpty() || this.command.get(0).isBlank()) {
            throw new IllegalArgumentException("reboot command: empty");
        }
    }

    @Override
    public String name() {
        return "command";
    }

    @Override
    public void reboot() {
        try {
            new ProcessBuilder(command).inheritIO().start();
        } catch (IOException e) {
            throw new IllegalStateException("reboot command " + command + " cannot start: " + e.getMessage(), e);
        }
    }
}
