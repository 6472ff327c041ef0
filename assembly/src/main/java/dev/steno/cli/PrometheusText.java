package dev.steno.cli;

import java.util.HashMap;
import java.util.Map;

/** Reads the Prometheus text format that a node's {@code /metrics} answers. */
final class PrometheusText {
    private PrometheusText() {
    }

    /**
     * Each metric's value by name: the first sample of a name (labels are ignored; Steno's own metrics carry none),
     * comments and lines that are not a sample skipped.
     */
    static Map<String, Double> parse(String text) {
        Map<String, Double> out = new HashMap<>();
        for (String line : text.lines().toList()) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String name = line.split("[{ ]", 2)[0];
            String value = line.substring(line.lastIndexOf(' ') + 1);
            try {
                out.putIfAbsent(name, Double.parseDouble(value));
            } catch (NumberFormatException notASample) {
                // a line this reader does not understand says nothing about the metrics it does
            }
        }
        return out;
    }
}
