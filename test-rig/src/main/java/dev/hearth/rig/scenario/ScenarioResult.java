package dev.hearth.rig.scenario;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How one scenario test of one run ended, and where its console, hub traffic, boot milestones and
 * steps were written.
 *
 * @param run      the repetition, from 1
 * @param scenario the scenario's display name
 * @param test     the test method's name
 * @param passed   whether it passed
 * @param duration how long it took
 * @param failure  the failure's message, when it failed
 * @param folder   the test's report folder
 */
public record ScenarioResult(int run, String scenario, String test, boolean passed, Duration duration, Optional<String> failure,
                             Path folder) {
}
