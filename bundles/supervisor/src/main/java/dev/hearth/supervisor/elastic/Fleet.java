package dev.hearth.supervisor.elastic;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The instances of one service and the requests waiting for them. Exists only while the service
 * has instances or waiting requests: an idle service has no fleet. Mutated only under the
 * service's lock.
 */
final class Fleet {

    /** Instances STARTING or READY, in start order: the ones that take requests. */
    final List<RunningInstance> instances = new ArrayList<>();
    /** Instances taken out of service that have not ended yet; they still count and are metered. */
    final List<RunningInstance> retiring = new ArrayList<>();
    final ArrayDeque<PendingRequest> queue = new ArrayDeque<>();
    int starting;
    int ready;
    /** Requests in flight on listed instances. */
    int inFlight;
    /** A replacement after a failure is scheduled; no other start happens until it runs. */
    boolean restartPending;
    /** Where the next search for a free instance begins, so load spreads over instances. */
    private int cursor;

    /** A ready instance with spare concurrency, or null. */
    RunningInstance pickReady(int targetConcurrency) {
        int n = instances.size();
        for (int i = 0; i < n; i++) {
            int k = cursor + i;
            if (k >= n) {
                k -= n;
            }
            RunningInstance ri = instances.get(k);
            if (ri.hasCapacity(targetConcurrency)) {
                cursor = k + 1 == n ? 0 : k + 1;
                return ri;
            }
        }
        return null;
    }

    boolean isEmpty() {
        return instances.isEmpty() && retiring.isEmpty() && queue.isEmpty() && !restartPending;
    }

    /** Instances that have not ended: starting, ready or stopping. */
    int size() {
        return instances.size() + retiring.size();
    }

    /** Takes an instance out of the fleet; its in-flight requests no longer count here. */
    void remove(RunningInstance ri) {
        retiring.remove(ri);
        if (instances.remove(ri)) {
            if (ri.state == RunningInstance.State.STARTING) {
                starting--;
            } else if (ri.state == RunningInstance.State.READY) {
                ready--;
            }
            inFlight -= ri.inFlight;
        }
    }
}
