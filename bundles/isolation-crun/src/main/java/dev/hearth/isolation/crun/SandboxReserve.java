package dev.hearth.isolation.crun;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sandboxes created ahead ({@code crun create} done, waiting for {@code crun start}), per service,
 * so that an activation only has to start one. How many a service keeps follows its recent demand:
 * the activations of the last {@link #window} milliseconds, at least one once it has been activated
 * at all, at most {@link #capacity}. A service not activated for {@link #keepMillis} keeps none.
 * Each parked sandbox is one stopped process and its namespaces and cgroup.
 *
 * <p>The key is the service name with its spec and image digest: a redeployed spec or image makes
 * the parked sandboxes of the old one useless, and they are handed back for deletion.
 */
final class SandboxReserve {

    /** What a parked sandbox was made for. */
    record Key(String service, String specAndImage) {
    }

    private static final int MAX_REMEMBERED = 1024;

    private final int capacity;
    private final long window;
    private final long keepMillis;
    private final Map<String, Shelf> shelves = new HashMap<>();

    private static final class Shelf {
        Key key;
        final Deque<Sandbox> parked = new ArrayDeque<>();
        final Deque<Long> activations = new ArrayDeque<>();
        int making;
    }

    SandboxReserve(int capacity, long windowMillis, long keepMillis) {
        this.capacity = capacity;
        this.window = windowMillis;
        this.keepMillis = keepMillis;
    }

    /**
     * Records an activation of {@code key} at {@code nowMillis} and takes a parked sandbox for it if
     * there is one. Sandboxes parked for an older key are put in {@code stale}.
     */
    synchronized Optional<Sandbox> take(Key key, long nowMillis, List<Sandbox> stale) {
        Shelf shelf = shelf(key, stale);
        shelf.activations.addLast(nowMillis);
        if (shelf.activations.size() > MAX_REMEMBERED) {
            shelf.activations.pollFirst();
        }
        trim(shelf, nowMillis);
        while (!shelf.parked.isEmpty()) {
            Sandbox sandbox = shelf.parked.pollFirst();
            if (sandbox.state() == Sandbox.State.CREATED && !sandbox.ended().isDone()) {
                return Optional.of(sandbox);
            }
            stale.add(sandbox);
        }
        return Optional.empty();
    }

    /** How many more sandboxes to make for {@code key} now; the caller makes them and calls {@link #park}. */
    synchronized int shortfall(Key key, long nowMillis) {
        Shelf shelf = shelves.get(key.service());
        if (shelf == null || !shelf.key.equals(key)) {
            return 0;
        }
        trim(shelf, nowMillis);
        int wanted = shelf.activations.isEmpty() ? 0 : Math.min(capacity, Math.max(1, recent(shelf, nowMillis)));
        int missing = wanted - shelf.parked.size() - shelf.making;
        if (missing > 0) {
            shelf.making += missing;
        }
        return Math.max(0, missing);
    }

    /** Parks a sandbox made after {@link #shortfall}; returns false when it is no longer wanted. */
    synchronized boolean park(Key key, Sandbox sandbox) {
        Shelf shelf = shelves.get(key.service());
        if (shelf == null) {
            return false;
        }
        if (shelf.key.equals(key)) {
            shelf.making = Math.max(0, shelf.making - 1);
            shelf.parked.addLast(sandbox);
            return true;
        }
        return false;
    }

    /** A sandbox for {@code key} could not be made. */
    synchronized void failed(Key key) {
        Shelf shelf = shelves.get(key.service());
        if (shelf != null && shelf.key.equals(key)) {
            shelf.making = Math.max(0, shelf.making - 1);
        }
    }

    /** Takes out sandboxes no longer wanted: services idle past the keep time. */
    synchronized List<Sandbox> expire(long nowMillis) {
        List<Sandbox> gone = new ArrayList<>();
        shelves.values().removeIf(shelf -> {
            trim(shelf, nowMillis);
            if (shelf.activations.isEmpty() && shelf.making == 0) {
                gone.addAll(shelf.parked);
                return true;
            }
            return false;
        });
        return gone;
    }

    /** Takes out every parked sandbox. */
    synchronized List<Sandbox> drain() {
        List<Sandbox> all = new ArrayList<>();
        shelves.values().forEach(shelf -> all.addAll(shelf.parked));
        shelves.clear();
        return all;
    }

    synchronized int parked(String service) {
        Shelf shelf = shelves.get(service);
        return shelf == null ? 0 : shelf.parked.size();
    }

    private Shelf shelf(Key key, List<Sandbox> stale) {
        Shelf shelf = shelves.computeIfAbsent(key.service(), s -> new Shelf());
        if (shelf.key != null && !shelf.key.equals(key)) {
            stale.addAll(shelf.parked);
            shelf.parked.clear();
            shelf.making = 0;
        }
        shelf.key = key;
        return shelf;
    }

    /** Forgets activations older than the keep time. */
    private void trim(Shelf shelf, long nowMillis) {
        while (!shelf.activations.isEmpty() && nowMillis - shelf.activations.peekFirst() > keepMillis) {
            shelf.activations.pollFirst();
        }
    }

    private int recent(Shelf shelf, long nowMillis) {
        int count = 0;
        for (var it = shelf.activations.descendingIterator(); it.hasNext(); ) {
            if (nowMillis - it.next() > window) {
                break;
            }
            count++;
        }
        return count;
    }
}
