package io.gadgetflow.kubectl;

/**
 * Text from traced processes (comm, args, paths, messages) made harmless for a terminal: every
 * control character (C0, DEL and C1, where ESC and CSI begin the sequences that move the cursor,
 * rewrite the title or the clipboard, or hide what was printed) is shown as its escape ({@code
 * \x1b}, {@code \n}, ...), and a backslash as {@code \\} so that an escape shown cannot be faked. A
 * process chooses its name and arguments freely: printed raw, they would command the terminal of
 * whoever watches it (Inspektor Gadget fixed the same in CVE-2026-25996). JSON output needs none of
 * this: JSON escapes control characters itself.
 */
final class TerminalText {
  private TerminalText() {}

  static String neutralise(String text) {
    StringBuilder safe = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String escape = escape(c);
      if (escape == null) {
        if (safe != null) {
          safe.append(c);
        }
        continue;
      }
      if (safe == null) {
        safe = new StringBuilder(text.length() + 8).append(text, 0, i);
      }
      safe.append(escape);
    }
    return safe == null ? text : safe.toString();
  }

  private static String escape(char c) {
    return switch (c) {
      case '\\' -> "\\\\";
      case '\n' -> "\\n";
      case '\r' -> "\\r";
      case '\t' -> "\\t";
      default ->
          c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) ? "\\x%02x".formatted((int) c) : null;
    };
  }
}
