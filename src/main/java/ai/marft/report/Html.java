package ai.marft.report;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Small helpers for the report pages: escaping text, numbers, and the page's own CSS and JS resources. */
final class Html {
    private Html() {}

    /** Text for an HTML text node or a quoted attribute. (Five characters: not worth a library.) */
    static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A number to 4 significant digits without trailing zeros, whole above 1000; "–" for NaN. */
    static String num(double v) {
        if (Double.isNaN(v)) return "–";
        if (Double.isInfinite(v) || Math.abs(v) >= 1000) return String.format(Locale.ROOT, "%.0f", v);
        return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    /** A resource of this package (the page's CSS and JS). */
    static String resource(String name) {
        try (InputStream in = Html.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing resource ai/marft/report/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading resource " + name, e);
        }
    }

    /** The start of a page: title, inline CSS. */
    static String head(String title) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" + esc(title) + "</title>\n<style>\n"
                + resource("report.css") + "</style></head>\n<body>\n";
    }

    /** The end of a page: the inline JS, then the closing tags. */
    static String tail() {
        return "<script>\n" + resource("report.js") + "</script>\n</body></html>\n";
    }
}
