package dev.lakeforge.scorer;

import java.util.ArrayList;
import java.util.List;

/** One CSV line (RFC 4180 quoting; a quoted value may hold commas and doubled quotes, not line breaks). */
final class CsvLine {
  private CsvLine() {}

  static List<String> parse(String line) {
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        cells.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    cells.add(cell.toString());
    return cells;
  }

  static String format(List<String> cells) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i) == null ? "" : cells.get(i);
      if (i > 0) {
        out.append(',');
      }
      if (c.indexOf(',') >= 0 || c.indexOf('"') >= 0) {
        out.append('"').append(c.replace("\"", "\"\"")).append('"');
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
