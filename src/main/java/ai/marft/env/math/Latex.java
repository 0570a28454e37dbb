package ai.marft.env.math;

import java.util.function.UnaryOperator;

/** Small helpers over LaTeX text: balanced groups and rewriting of {@code \command{arg}}. */
final class Latex {
    private Latex() {}

    /** Index just past the group that opens at {@code open} (a '{'), or -1 when it never closes. */
    static int groupEnd(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') { i++; continue; } // \{ and \} are literal braces
            if (c == '{') depth++;
            else if (c == '}' && --depth == 0) return i + 1;
        }
        return -1;
    }

    /** Replaces every {@code \command{arg}} (balanced braces) by {@code rewrite(arg)}. */
    static String rewriteCommand(String s, String command, UnaryOperator<String> rewrite) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        while (true) {
            int at = indexOfCommand(s, command, from);
            if (at < 0) break;
            int open = skipSpaces(s, at + command.length());
            int end = open < s.length() && s.charAt(open) == '{' ? groupEnd(s, open) : -1;
            if (end < 0) { out.append(s, from, at + command.length()); from = at + command.length(); continue; }
            out.append(s, from, at).append(rewrite.apply(s.substring(open + 1, end - 1)));
            from = end;
        }
        return out.append(s.substring(from)).toString();
    }

    /** Position of {@code command} (e.g. "\\text") not followed by another letter (so \text is not \textbf), or -1. */
    static int indexOfCommand(String s, String command, int from) {
        for (int at = s.indexOf(command, from); at >= 0; at = s.indexOf(command, at + 1)) {
            int after = at + command.length();
            if (after >= s.length() || !Character.isLetter(s.charAt(after))) return at;
        }
        return -1;
    }

    static int skipSpaces(String s, int i) {
        while (i < s.length() && s.charAt(i) == ' ') i++;
        return i;
    }

    /**
     * Gives every argument of {@code \frac}/{@code \binom} braces: {@code \frac43}, {@code \frac 59},
     * {@code \frac9{19}}, {@code \frac{270}7}, {@code \frac\pi2} all become {@code \frac{a}{b}}.
     */
    static String braceArguments(String s, String command, int arity) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        while (true) {
            int at = indexOfCommand(s, command, from);
            if (at < 0) break;
            out.append(s, from, at).append(command);
            int i = at + command.length();
            for (int k = 0; k < arity; k++) {
                i = skipSpaces(s, i);
                if (i >= s.length()) break;
                if (s.charAt(i) == '{') {
                    int end = groupEnd(s, i);
                    if (end < 0) break;
                    out.append(s, i, end);
                    i = end;
                } else {
                    int end = i + 1;
                    if (s.charAt(i) == '\\') while (end < s.length() && Character.isLetter(s.charAt(end))) end++;
                    out.append('{').append(s, i, end).append('}');
                    i = end;
                }
            }
            from = i;
        }
        return out.append(s.substring(Math.min(from, s.length()))).toString();
    }
}
