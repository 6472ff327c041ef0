package dev.steno.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A Dockerfile read as the builder reads it, for checks without a Docker engine: instructions (continuation lines
 * joined, comment lines dropped), the global {@code ARG}s before the first {@code FROM}, and the stages.
 *
 * @param args   global build arguments and their defaults
 * @param stages in order; the last is the default build target
 */
record DockerfileModel(Map<String, String> args, List<Stage> stages) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One instruction: its keyword (upper case) and the rest of its line. */
    record Instruction(String keyword, String rest) {
        /** The JSON ("exec") form's words, e.g. of {@code CMD ["serve", "--port", "8000"]}. */
        List<String> execForm() {
            try {
                return JSON.readValue(rest, new TypeReference<List<String>>() {
                });
            } catch (JsonProcessingException e) {
                throw new AssertionError(keyword + " is not in exec (JSON) form: " + rest, e);
            }
        }

        /** The rest split into shell words (double and single quotes group, backslash escapes). */
        List<String> words() {
            return shellWords(rest);
        }
    }

    /**
     * One build stage.
     *
     * @param base the image it starts from
     * @param name its name ({@code AS name}), or null
     */
    record Stage(String base, String name, List<Instruction> instructions) {
        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword.equals(keyword)).toList();
        }

        /** The instruction that counts when several are given (CMD, ENTRYPOINT, USER, HEALTHCHECK...). */
        Optional<Instruction> last(String keyword) {
            List<Instruction> found = all(keyword);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.getLast());
        }

        /**
         * The files {@code COPY} puts into this stage: one per source, at the destination (a folder when it ends
         * with a slash).
         */
        List<Copy> copies() {
            List<Copy> out = new ArrayList<>();
            for (Instruction i : all("COPY")) {
                List<String> words = i.words();
                String from = words.stream().filter(w -> w.startsWith("--from=")).map(w -> w.substring(7)).findFirst()
                        .orElse(null);
                List<String> paths = words.stream().filter(w -> !w.startsWith("--")).toList();
                String dest = paths.getLast();
                for (String source : paths.subList(0, paths.size() - 1)) {
                    out.add(new Copy(from, source, dest.endsWith("/")
                            ? dest + source.substring(source.lastIndexOf('/') + 1) : dest));
                }
            }
            return out;
        }

        /** The environment this stage sets ({@code ENV K=V ...}), later values winning. */
        Map<String, String> env() {
            Map<String, String> env = new LinkedHashMap<>();
            for (Instruction i : all("ENV")) {
                for (String w : i.words()) {
                    int eq = w.indexOf('=');
                    if (eq < 0) {
                        throw new AssertionError("ENV in the KEY=value form, please: " + i.rest);
                    }
                    env.put(w.substring(0, eq), w.substring(eq + 1));
                }
            }
            return env;
        }
    }

    /**
     * One file or folder a {@code COPY} brings in.
     *
     * @param from the stage or image it comes from, or null for the build context
     */
    record Copy(String from, String source, String destination) {
    }

    static DockerfileModel parse(String text) {
        Map<String, String> args = new LinkedHashMap<>();
        List<Stage> stages = new ArrayList<>();
        List<Instruction> current = null;
        for (String line : logicalLines(text)) {
            int space = line.indexOf(' ');
            String keyword = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
            String rest = space < 0 ? "" : line.substring(space + 1).strip();
            Instruction instruction = new Instruction(keyword, rest);
            if (keyword.equals("FROM")) {
                List<String> w = shellWords(rest).stream().filter(x -> !x.startsWith("--")).toList();
                current = new ArrayList<>();
                stages.add(new Stage(w.getFirst(), w.size() >= 3 && w.get(1).equalsIgnoreCase("AS") ? w.get(2) : null,
                        current));
            } else if (current == null) {
                if (keyword.equals("ARG")) {
                    String[] kv = rest.split("=", 2);
                    args.put(kv[0], kv.length > 1 ? kv[1] : null);
                }
            } else {
                current.add(instruction);
            }
        }
        return new DockerfileModel(args, List.copyOf(stages));
    }

    /** The stage of this name. */
    Stage stage(String name) {
        return stages.stream().filter(s -> name.equals(s.name)).findFirst()
                .orElseThrow(() -> new AssertionError("no stage " + name));
    }

    /** The default build target: the last stage. */
    Stage defaultTarget() {
        return stages.getLast();
    }

    /**
     * What building {@code target} with these {@code --build-arg}s gives: the stage with the stages it starts from
     * ({@code FROM stage}, {@code FROM base-${ARG}}) before it, as the image inherits their settings; the base is
     * the image at the root. An ENTRYPOINT resets the CMD it inherits, as Docker does.
     */
    Stage image(String target, Map<String, String> buildArgs) {
        Stage stage = stage(target);
        String base = stage.base;
        for (Map.Entry<String, String> a : args.entrySet()) {
            base = base.replace("${" + a.getKey() + "}", buildArgs.getOrDefault(a.getKey(), a.getValue()));
        }
        String from = base;
        if (stages.stream().noneMatch(s -> from.equals(s.name))) {
            return new Stage(base, stage.name, stage.instructions);
        }
        Stage parent = image(from, buildArgs);
        boolean ownEntrypoint = !stage.all("ENTRYPOINT").isEmpty();
        List<Instruction> merged = new ArrayList<>(parent.instructions.stream()
                .filter(i -> !(ownEntrypoint && i.keyword.equals("CMD"))).toList());
        merged.addAll(stage.instructions);
        return new Stage(parent.base, stage.name, List.copyOf(merged));
    }

    private static List<String> logicalLines(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && pending.isEmpty())) {
                continue; // comments may sit inside a continued instruction too
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            pending.append(line);
            String joined = pending.toString().strip();
            if (!joined.isEmpty()) {
                out.add(joined);
            }
            pending.setLength(0);
        }
        return out;
    }

    /** Shell-like words: whitespace separates, quotes group, a backslash escapes the next character. */
    static List<String> shellWords(String s) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < s.length()) {
                w.append(s.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(w.toString());
        }
        return words;
    }
}
