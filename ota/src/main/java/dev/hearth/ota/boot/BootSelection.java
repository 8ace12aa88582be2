package dev.hearth.ota.boot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The state the boot script decides by, in RAUC's terms: the boot order (boot names, first tried
 * first) and the attempts left for each boot name. A slot out of the order or with no attempts
 * left is not booted.
 */
public record BootSelection(List<String> order, Map<String, Integer> attemptsLeft) {

    /** Attempts a slot gets when marked good or active. */
    public static final int ATTEMPTS = 3;

    public BootSelection {
        order = List.copyOf(order);
        attemptsLeft = Map.copyOf(attemptsLeft);
        for (String name : order) {
            Objects.requireNonNull(attemptsLeft.get(name), () -> "boot selection: no attempts count for " + name);
        }
        if (order.stream().distinct().count() != order.size()) {
            throw new IllegalArgumentException("boot selection: order " + order + " repeats a slot");
        }
    }

    /** Both slots in order, the first tried first, each with full attempts. */
    public static BootSelection initial(String... order) {
        Map<String, Integer> left = new TreeMap<>();
        for (String n : order) {
            left.put(n, ATTEMPTS);
        }
        return new BootSelection(List.of(order), left);
    }

    public int attemptsLeft(String name) {
        return attemptsLeft.getOrDefault(name, 0);
    }

    /** Mark good: full attempts again, order unchanged. */
    public BootSelection markGood(String name) {
        return new BootSelection(order, with(name, ATTEMPTS));
    }

    /** Mark bad: no attempts left, and out of the order. */
    public BootSelection markBad(String name) {
        List<String> o = new ArrayList<>(order);
        o.remove(name);
        return new BootSelection(o, with(name, 0));
    }

    /** Mark active: first in the order with full attempts; the others keep their place behind it. */
    public BootSelection markActive(String name) {
        List<String> o = new ArrayList<>(order);
        o.remove(name);
        o.add(0, name);
        return new BootSelection(o, with(name, ATTEMPTS));
    }

    BootSelection withAttempts(String name, int attempts) {
        return new BootSelection(order, with(name, attempts));
    }

    private Map<String, Integer> with(String name, int attempts) {
        Map<String, Integer> m = new TreeMap<>(attemptsLeft);
        m.put(name, attempts);
        return m;
    }
}
