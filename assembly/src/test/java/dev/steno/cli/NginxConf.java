package dev.steno.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An nginx configuration read the way nginx reads it, far enough to check deploy/nginx/steno.conf without nginx:
 * directives and blocks, which {@code location} of a server takes a request path (nginx's rules: exact match, else
 * the longest prefix unless it is {@code ^~}, else the first matching regex in order, else that prefix), and what a
 * {@code map} yields for given variables (exact keys, then regexes in order with their named captures, then the
 * default). The regexes here are PCRE that Java reads alike (groups, named captures, classes).
 */
record NginxConf(List<Directive> directives) {
    private static final Pattern VARIABLE = Pattern.compile("\\$(?:\\{(\\w+)}|(\\w+))");

    /**
     * One directive with its arguments, and its block when it has one.
     *
     * @param block null for a simple directive ({@code name args;})
     */
    record Directive(String name, List<String> args, List<Directive> block) {
        /** Directives of this name directly in the block. */
        List<Directive> all(String directive) {
            return block == null ? List.of() : block.stream().filter(d -> d.name.equals(directive)).toList();
        }

        /** The one directive of this name directly in the block, if any. */
        Optional<Directive> first(String directive) {
            List<Directive> found = all(directive);
            if (found.size() > 1) {
                throw new AssertionError(found.size() + " " + directive + " directives in " + this.name + " " + args);
            }
            return found.stream().findFirst();
        }

        /** The first argument. */
        String arg() {
            return args.getFirst();
        }
    }

    static NginxConf parse(String text) {
        Tokens tokens = new Tokens(text);
        List<Directive> top = block(tokens, false);
        return new NginxConf(top);
    }

    private static List<Directive> block(Tokens t, boolean nested) {
        List<Directive> out = new ArrayList<>();
        while (true) {
            String token = t.next();
            if (token == null) {
                if (nested) {
                    throw new IllegalArgumentException("unexpected end of file: a block is not closed");
                }
                return out;
            }
            if (token.equals("}") && !t.lastQuoted) {
                if (!nested) {
                    throw new IllegalArgumentException("unexpected } at top level");
                }
                return out;
            }
            String name = token;
            List<String> args = new ArrayList<>();
            while (true) {
                String a = t.next();
                if (a == null) {
                    throw new IllegalArgumentException("directive " + name + " not ended by ; or {");
                }
                if (!t.lastQuoted && a.equals(";")) {
                    out.add(new Directive(name, List.copyOf(args), null));
                    break;
                }
                if (!t.lastQuoted && a.equals("{")) {
                    out.add(new Directive(name, List.copyOf(args), block(t, true)));
                    break;
                }
                args.add(a);
            }
        }
    }

    /** nginx's tokens: words, quoted strings, and the punctuation ; { } ; # starts a comment. */
    private static final class Tokens {
        private final String s;
        private int i;
        boolean lastQuoted;

        Tokens(String s) {
            this.s = s;
        }

        String next() {
            while (i < s.length()) {
                char c = s.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '#') {
                    while (i < s.length() && s.charAt(i) != '\n') {
                        i++;
                    }
                } else {
                    break;
                }
            }
            if (i >= s.length()) {
                return null;
            }
            char c = s.charAt(i);
            lastQuoted = false;
            if (c == ';' || c == '{' || c == '}') {
                i++;
                return String.valueOf(c);
            }
            StringBuilder b = new StringBuilder();
            if (c == '"' || c == '\'') {
                lastQuoted = true;
                i++;
                while (i < s.length() && s.charAt(i) != c) {
                    if (s.charAt(i) == '\\' && i + 1 < s.length()) {
                        i++;
                    }
                    b.append(s.charAt(i++));
                }
                i++;
                return b.toString();
            }
            while (i < s.length()) {
                char d = s.charAt(i);
                boolean variableBrace = d == '{' && b.length() > 0 && b.charAt(b.length() - 1) == '$';
                if (Character.isWhitespace(d) || d == ';' || (d == '{' && !variableBrace)
                        || (d == '}' && b.indexOf("${") < 0)) {
                    break;
                }
                b.append(d);
                i++;
            }
            return b.toString();
        }
    }

    /** Top-level directives of this name. */
    List<Directive> all(String name) {
        return directives.stream().filter(d -> d.name.equals(name)).toList();
    }

    /** The {@code upstream} block of this name. */
    Directive upstream(String name) {
        return all("upstream").stream().filter(u -> u.arg().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no upstream " + name));
    }

    /** The one {@code server} block. */
    Directive server() {
        List<Directive> servers = all("server");
        if (servers.size() != 1) {
            throw new AssertionError(servers.size() + " server blocks");
        }
        return servers.getFirst();
    }

    /** The server's {@code location} that takes a request for {@code pathAndQuery} (the query does not count). */
    Directive route(String pathAndQuery) {
        String uri = pathAndQuery.contains("?") ? pathAndQuery.substring(0, pathAndQuery.indexOf('?')) : pathAndQuery;
        List<Directive> locations = server().all("location");
        Directive longestPrefix = null;
        for (Directive l : locations) {
            String modifier = l.args.size() > 1 ? l.args.get(0) : "";
            String pattern = l.args.getLast();
            if (modifier.equals("=") && uri.equals(pattern)) {
                return l;
            }
            if ((modifier.isEmpty() || modifier.equals("^~")) && uri.startsWith(pattern)
                    && (longestPrefix == null || pattern.length() > longestPrefix.args.getLast().length())) {
                longestPrefix = l;
            }
        }
        if (longestPrefix != null && longestPrefix.args.getFirst().equals("^~")) {
            return longestPrefix;
        }
        for (Directive l : locations) {
            String modifier = l.args.size() > 1 ? l.args.get(0) : "";
            if (modifier.equals("~") || modifier.equals("~*")) {
                int flags = modifier.equals("~*") ? Pattern.CASE_INSENSITIVE : 0;
                if (Pattern.compile(l.args.getLast(), flags).matcher(uri).find()) {
                    return l;
                }
            }
        }
        if (longestPrefix == null) {
            throw new AssertionError("no location takes " + uri);
        }
        return longestPrefix;
    }

    /** The upstream a location proxies to ({@code proxy_pass http://NAME}), if it proxies. */
    static Optional<String> upstreamOf(Directive location) {
        return location.first("proxy_pass").map(p -> p.arg().replaceFirst("^https?://", "").replaceFirst("/.*$", ""));
    }

    /**
     * A directive's arguments as they apply in {@code location}: its own, else the server's (nginx inherits such a
     * directive from the enclosing level only when the location sets none).
     */
    List<String> inLocation(Directive location, String name) {
        return location.first(name).or(() -> server().first(name)).map(Directive::args)
                .orElseThrow(() -> new AssertionError(name + " is set neither in location " + location.args()
                        + " nor in the server"));
    }

    /** What {@code map ... $variable} yields when the variables it reads have these values. */
    String map(String variable, Map<String, String> variables) {
        Directive map = all("map").stream().filter(m -> m.args.get(1).equals("$" + variable)).findFirst()
                .orElseThrow(() -> new AssertionError("no map sets $" + variable));
        String source = substitute(map.arg(), variables, Map.of());
        String fallback = "";
        for (Directive entry : map.block) {
            if (entry.name.equals("default")) {
                fallback = entry.arg();
            } else if (!entry.name.startsWith("~") && entry.name.equals(source)) {
                return substitute(entry.arg(), variables, Map.of());
            }
        }
        for (Directive entry : map.block) {
            if (entry.name.startsWith("~")) {
                boolean caseless = entry.name.startsWith("~*");
                Pattern p = Pattern.compile(entry.name.substring(caseless ? 2 : 1), caseless ? Pattern.CASE_INSENSITIVE : 0);
                Matcher m = p.matcher(source);
                if (m.find()) {
                    return substitute(entry.arg(), variables, namedGroups(p, m));
                }
            }
        }
        return substitute(fallback, variables, Map.of());
    }

    private static Map<String, String> namedGroups(Pattern p, Matcher m) {
        return p.namedGroups().keySet().stream().filter(g -> m.group(g) != null)
                .collect(Collectors.toMap(g -> g, m::group));
    }

    private static String substitute(String value, Map<String, String> variables, Map<String, String> captures) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String v = captures.containsKey(name) ? captures.get(name) : variables.get(name);
            if (v == null) {
                throw new AssertionError("variable $" + name + " has no value in this check");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }
}
