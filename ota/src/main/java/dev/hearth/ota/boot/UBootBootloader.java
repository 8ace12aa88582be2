package dev.hearth.ota.boot;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The boot selection kept in a U-Boot environment with RAUC's variables: {@code BOOT_ORDER}
 * (boot names separated by spaces, e.g. {@code "A B"}) and {@code BOOT_<name>_LEFT} (attempts
 * left). Other variables in the environment are kept as they are. When no copy of the
 * environment is valid, the selection is every boot name in order with full attempts, as the
 * board's default environment has it.
 */
public final class UBootBootloader implements Bootloader {

    private static final Logger LOG = LoggerFactory.getLogger(UBootBootloader.class);

    private final UBootEnvironment environment;
    private final List<String> bootNames;

    public UBootBootloader(UBootEnvironment environment, List<String> bootNames) {
        this.environment = environment;
        this.bootNames = List.copyOf(bootNames);
        if (this.bootNames.isEmpty()) {
            throw new IllegalArgumentException("U-Boot bootloader: no boot names");
        }
    }

    /** The variables the default environment holds for {@code bootNames}. */
    public static Map<String, String> defaultVariables(List<String> bootNames) {
        return variables(BootSelection.initial(bootNames.toArray(String[]::new)), new TreeMap<>());
    }

    @Override
    public BootSelection selection() throws IOException {
        return selection(environment.read().orElseGet(TreeMap::new));
    }

    private BootSelection selection(SortedMap<String, String> vars) {
        String orderText = vars.get("BOOT_ORDER");
        if (orderText == null) {
            return BootSelection.initial(bootNames.toArray(String[]::new));
        }
        List<String> order = new ArrayList<>();
        for (String n : orderText.trim().split("\\s+")) {
            if (bootNames.contains(n) && !order.contains(n)) {
                order.add(n);
            }
        }
        Map<String, Integer> left = new TreeMap<>();
        for (String n : bootNames) {
            left.put(n, parseAttempts(vars.get("BOOT_" + n + "_LEFT")));
        }
        return new BootSelection(order, left);
    }

    private static int parseAttempts(String text) {
        if (text == null) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(text.trim()));
        } catch (NumberFormatException e) {
            return 0; // an unreadable counter means no attempts: the slot is not booted on a guess
        }
    }

    @Override
    public void markGood(String bootName) throws IOException {
        change(bootName, "good", selection().markGood(known(bootName)));
    }

    @Override
    public void markBad(String bootName) throws IOException {
        change(bootName, "bad", selection().markBad(known(bootName)));
    }

    @Override
    public void markActive(String bootName) throws IOException {
        change(bootName, "active", selection().markActive(known(bootName)));
    }

    /** Saves a selection as it is (the boot script's decrement). */
    public void save(BootSelection selection) throws IOException {
        SortedMap<String, String> vars = new TreeMap<>(environment.read().orElseGet(TreeMap::new));
        environment.write(variables(selection, vars));
    }

    private void change(String bootName, String mark, BootSelection next) throws IOException {
        save(next);
        LOG.info("Boot selection: slot {} marked {}; order {}", bootName, mark, String.join(" ", next.order()));
    }

    private String known(String bootName) {
        if (!bootNames.contains(bootName)) {
            throw new IllegalArgumentException("U-Boot bootloader: unknown boot name '" + bootName + "', known "
                    + bootNames);
        }
        return bootName;
    }

    private static Map<String, String> variables(BootSelection s, SortedMap<String, String> into) {
        into.put("BOOT_ORDER", String.join(" ", s.order()));
        for (Map.Entry<String, Integer> e : s.attemptsLeft().entrySet()) {
            into.put("BOOT_" + e.getKey() + "_LEFT", Integer.toString(e.getValue()));
        }
        return into;
    }

    @Override
    public String toString() {
        return "U-Boot environment boot selection " + Arrays.toString(bootNames.toArray());
    }
}
