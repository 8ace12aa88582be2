package dev.hearth.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The figures of one run: a table for people, flat JSON for scripts. */
final class Report {

    private record Row(String key, double value, String unit, String target, String note) { }

    private final List<Row> rows = new ArrayList<>();

    /** Records a figure. {@code target} is the goal as text ("<= 1"), empty when there is none. */
    void add(String key, double value, String unit, String target, String note) {
        rows.add(new Row(key, value, unit, target, note));
    }

    void print(PrintStream out) {
        out.printf(Locale.ROOT, "%n%-34s %14s %-8s %-10s %s%n", "figure", "value", "unit", "target", "note");
        out.println("-".repeat(100));
        for (Row r : rows) {
            out.printf(Locale.ROOT, "%-34s %14s %-8s %-10s %s%n", r.key, format(r.value), r.unit, r.target, r.note);
        }
    }

    void writeJson(Path file) throws IOException {
        Map<String, Double> flat = new LinkedHashMap<>();
        for (Row r : rows) {
            flat.put(r.key, r.value);
        }
        Files.createDirectories(file.getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), flat);
    }

    private static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.1f", v) : String.format(Locale.ROOT, "%.3f", v);
    }
}
