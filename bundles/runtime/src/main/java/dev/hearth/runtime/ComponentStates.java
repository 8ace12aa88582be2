package dev.hearth.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * A snapshot of the Declarative Services components, as the launcher judges them at start: a
 * component that failed to activate fails the start; one still waiting for a mandatory reference
 * is not ready yet; one waiting for a configuration that no file gives is left alone (it waits by
 * design).
 *
 * @param failed  {@code component (bundle): failure}, one per component configuration that failed
 *                to activate
 * @param waiting {@code component (bundle): reference, …}, one per component configuration
 *                missing a mandatory reference
 * @param active  how many component configurations are satisfied or active
 */
record ComponentStates(List<String> failed, List<String> waiting, int active) {

    private static final String CAUSED_BY = "Caused by: ";
    private static final Pattern CLASS_PREFIX = Pattern.compile("^[\\w.$]+(Exception|Error): ");

    ComponentStates {
        failed = List.copyOf(failed);
        waiting = List.copyOf(waiting);
    }

    static ComponentStates of(ServiceComponentRuntime runtime) {
        List<String> failed = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        int active = 0;
        for (ComponentDescriptionDTO description : runtime.getComponentDescriptionDTOs()) {
            String name = description.name + " (" + description.bundle.symbolicName + ")";
            for (ComponentConfigurationDTO configuration : runtime.getComponentConfigurationDTOs(description)) {
                switch (configuration.state) {
                    case ComponentConfigurationDTO.FAILED_ACTIVATION ->
                            failed.add(name + ": " + reason(configuration.failure));
                    case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> waiting.add(name + " waits for "
                            + Arrays.stream(configuration.unsatisfiedReferences)
                                    .map(r -> r.name + (r.target == null ? "" : " " + r.target))
                                    .collect(Collectors.joining(", ")));
                    case ComponentConfigurationDTO.SATISFIED, ComponentConfigurationDTO.ACTIVE -> active++;
                    default -> {
                        // UNSATISFIED_CONFIGURATION: the component waits for a configuration by design.
                    }
                }
            }
        }
        return new ComponentStates(failed, waiting, active);
    }

    /**
     * The useful line of a failure SCR reports as a whole stack trace: the message of the first
     * cause that is not the reflective wrapper around the component's constructor.
     */
    static String reason(String failure) {
        if (failure == null || failure.isBlank()) {
            return "no reason given";
        }
        List<String> throwables = new ArrayList<>();
        List<String> lines = failure.lines().toList();
        throwables.add(lines.get(0));
        lines.stream().filter(l -> l.startsWith(CAUSED_BY)).map(l -> l.substring(CAUSED_BY.length()))
                .forEach(throwables::add);
        return throwables.stream()
                .filter(t -> !t.startsWith("java.lang.reflect.InvocationTargetException"))
                .findFirst()
                .map(t -> CLASS_PREFIX.matcher(t).replaceFirst(""))
                .orElse(lines.get(0));
    }

    /** No component failed and none waits for a reference. */
    boolean ready() {
        return failed.isEmpty() && waiting.isEmpty();
    }
}
