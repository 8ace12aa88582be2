package dev.hearth.rig.scenario;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The suite's readable report: one page with a summary table and, per scenario test, its steps and
 * the boot milestones as a timeline, the failure, the hub's traffic and the console transcript.
 */
final class HtmlReport {

    private static final int CONSOLE_LIMIT = 400_000;

    private HtmlReport() {
    }

    static Path write(Path file, String title, List<ScenarioResult> results, Duration total) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(escape(title))
                .append("</title>\n<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:80em}"
                        + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}"
                        + ".PASSED{color:#176f2c;font-weight:bold}.FAILED{color:#b00020;font-weight:bold}"
                        + "pre{background:#f6f6f6;padding:.6em;overflow-x:auto;font-size:12px}"
                        + "section{border-top:2px solid #ddd;margin-top:2em}</style></head><body>\n");
        long passed = results.stream().filter(ScenarioResult::passed).count();
        h.append("<h1>").append(escape(title)).append("</h1>\n<p>").append(passed).append(" of ").append(results.size())
                .append(" passed in ").append(seconds(total)).append(", ").append(Instant.now()).append("</p>\n");
        h.append("<table><tr><th>run</th><th>scenario</th><th>test</th><th>result</th><th>duration</th></tr>\n");
        for (int i = 0; i < results.size(); i++) {
            ScenarioResult r = results.get(i);
            h.append("<tr><td>").append(r.run()).append("</td><td><a href=\"#t").append(i).append("\">")
                    .append(escape(r.scenario())).append("</a></td><td>").append(escape(r.test())).append("</td><td class=\"")
                    .append(status(r)).append("\">").append(status(r)).append("</td><td>").append(seconds(r.duration()))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
        for (int i = 0; i < results.size(); i++) {
            ScenarioResult r = results.get(i);
            h.append("<section id=\"t").append(i).append("\"><h2>").append(escape(r.scenario())).append(" — run ")
                    .append(r.run()).append("</h2>\n<p>").append(escape(r.test())).append(": <span class=\"").append(status(r))
                    .append("\">").append(status(r)).append("</span> in ").append(seconds(r.duration())).append("</p>\n");
            r.failure().ifPresent(f -> h.append("<h3>Failure</h3><pre>").append(escape(f)).append("</pre>\n"));
            h.append("<h3>Timeline</h3><pre>").append(escape(read(r.folder().resolve("steps.txt")))).append("</pre>\n");
            h.append("<h3>Boot milestones (from the last power on)</h3><pre>").append(escape(read(r.folder().resolve("timings.txt"))))
                    .append("</pre>\n");
            h.append("<details><summary>MQTT traffic</summary><pre>").append(escape(read(r.folder().resolve("mqtt.txt"))))
                    .append("</pre></details>\n");
            String console = read(r.folder().resolve("console.txt"));
            if (console.length() > CONSOLE_LIMIT) {
                console = "(first " + (console.length() - CONSOLE_LIMIT) + " characters left out: see "
                        + r.folder().resolve("console.txt") + ")\n" + console.substring(console.length() - CONSOLE_LIMIT);
            }
            h.append("<details><summary>Console transcript</summary><pre>").append(escape(console)).append("</pre></details>\n");
            h.append("</section>\n");
        }
        h.append("</body></html>\n");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, h, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("rig report: cannot write " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    private static String status(ScenarioResult r) {
        return r.passed() ? "PASSED" : "FAILED";
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.0f s", d.toMillis() / 1000.0);
    }

    private static String read(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(none)";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c < 0x20 && c != '\n' && c != '\t' ? ' ' : c);
            }
        }
        return b.toString();
    }
}
