package ai.marft.env.math;

import java.util.ArrayList;
import java.util.List;

/** Scans LaTeX at bracket depth 0: any of ( [ { \{ opens, any of ) ] } \} closes (intervals mix them). */
final class TopLevel {
    private TopLevel() {}

    /** Splits {@code s} at every occurrence of {@code separator} outside brackets. */
    static List<String> split(String s, String separator) {
        List<String> parts = new ArrayList<>();
        int depth = 0, from = 0;
        for (int i = 0; i < s.length(); i++) {
            if (depth == 0 && s.startsWith(separator, i) && !continuesCommand(s, i, separator)) {
                parts.add(s.substring(from, i));
                i += separator.length() - 1;
                from = i + 1;
                continue;
            }
            char c = s.charAt(i);
            if (c == '\\') {
                if (i + 1 < s.length() && (s.charAt(i + 1) == '{' || s.charAt(i + 1) == '}')) depth += s.charAt(i + 1) == '{' ? 1 : -1;
                i++;
                while (i + 1 < s.length() && Character.isLetter(s.charAt(i)) && Character.isLetter(s.charAt(i + 1))) i++;
                continue;
            }
            if (c == '(' || c == '[' || c == '{') depth++;
            else if (c == ')' || c == ']' || c == '}') depth--;
        }
        parts.add(s.substring(from));
        return parts;
    }

    /** Whether the bracket opening at index 0 closes at the last character (so it encloses everything). */
    static boolean encloses(String s) {
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                if (i + 1 < s.length() && (s.charAt(i + 1) == '{' || s.charAt(i + 1) == '}')) {
                    depth += s.charAt(i + 1) == '{' ? 1 : -1;
                    i++;
                    if (depth == 0 && i < s.length() - 1) return false;
                }
                continue;
            }
            if (c == '(' || c == '[' || c == '{') depth++;
            else if (c == ')' || c == ']' || c == '}') {
                depth--;
                if (depth == 0 && i < s.length() - 1) return false;
            }
        }
        return depth == 0;
    }

    /** "\pm" inside "\pmatrix" or "\in" inside "\infty" is not a separator. */
    private static boolean continuesCommand(String s, int i, String separator) {
        if (!separator.startsWith("\\") || !Character.isLetter(separator.charAt(separator.length() - 1))) return false;
        int after = i + separator.length();
        return after < s.length() && Character.isLetter(s.charAt(after));
    }
}
