package dev.hearth.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The services of a running userland as a plain-text table, one row per service, from the objects
 * the admin endpoint's {@code GET /api/services} returns. A missing field shows as {@code -}.
 */
final class StatusTable {

    /** Column headings and the JSON field each shows. */
    private static final List<String[]> COLUMNS = List.of(
            new String[] {"NAME", "name"},
            new String[] {"DRIVER", "driver"},
            new String[] {"STATE", "state"},
            new String[] {"INSTANCES", "instances"},
            new String[] {"COLD STARTS", "coldStarts"},
            new String[] {"REQUESTS", "requests"},
            new String[] {"ACTIVE MS", "activeMillis"},
            new String[] {"CPU MS", "cpuMillis"});

    /** Columns from this one on are numbers, aligned right. */
    private static final int FIRST_NUMBER_COLUMN = 3;

    private StatusTable() {
    }

    static String render(List<Map<String, Object>> services) {
        if (services.isEmpty()) {
            return "no services registered\n";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(COLUMNS.stream().map(c -> c[0]).toArray(String[]::new));
        for (Map<String, Object> service : services) {
            rows.add(COLUMNS.stream().map(c -> text(service.get(c[1]))).toArray(String[]::new));
        }
        int[] widths = new int[COLUMNS.size()];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                String padding = " ".repeat(widths[i] - row[i].length());
                boolean number = i >= FIRST_NUMBER_COLUMN;
                line.append(number ? padding + row[i] : row[i] + padding).append("  ");
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    private static String text(Object value) {
        return value == null ? "-" : String.valueOf(value);
    }
}
