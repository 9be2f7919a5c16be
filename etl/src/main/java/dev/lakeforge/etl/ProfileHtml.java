package dev.lakeforge.etl;

import java.util.List;
import java.util.Map;

/** A self-contained HTML page for a table profile: one section per column, bars drawn with CSS widths. */
final class ProfileHtml {
  private ProfileHtml() {}

  static String render(TableProfiler.Profile p) {
    StringBuilder h = new StringBuilder();
    h.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>Profile of ").append(esc(p.table()))
        .append("@v").append(p.version()).append("</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}")
        .append("td,th{padding:2px 8px;text-align:right;border-bottom:1px solid #eee}th{text-align:left}")
        .append(".bar{background:#4a7bd0;height:10px}section{margin-bottom:2em}</style></head><body>")
        .append("<h1>").append(esc(p.table())).append(" @ v").append(p.version()).append("</h1><p>")
        .append(String.format("%,d", p.rows())).append(" rows, ").append(p.columns().size())
        .append(" columns</p><table><tr><th>column</th><th>type</th><th>nulls</th><th>distinct≈</th><th>min</th>")
        .append("<th>max</th><th>mean</th><th>stddev</th></tr>");
    for (TableProfiler.ColumnProfile c : p.columns()) {
      h.append("<tr><th><a href=\"#").append(esc(c.name())).append("\">").append(esc(c.name())).append("</a></th><td>")
          .append(esc(c.type())).append("</td><td>").append(c.nulls()).append("</td><td>").append(c.distinctApprox())
          .append("</td><td>").append(num(c.min())).append("</td><td>").append(num(c.max())).append("</td><td>")
          .append(num(c.mean())).append("</td><td>").append(num(c.stddev())).append("</td></tr>");
    }
    h.append("</table>");
    for (TableProfiler.ColumnProfile c : p.columns()) {
      h.append("<section id=\"").append(esc(c.name())).append("\"><h2>").append(esc(c.name())).append("</h2>");
      if (!c.quantiles().isEmpty()) {
        h.append("<p>quantiles: ");
        c.quantiles().forEach((k, v) -> h.append(k).append("=").append(num(v)).append(" "));
        h.append("</p>");
      }
      List<Map<String, Object>> rows = c.histogram().isEmpty() ? c.topValues() : c.histogram();
      long most = rows.stream().mapToLong(r -> (Long) r.get("count")).max().orElse(1);
      h.append("<table>");
      for (Map<String, Object> r : rows) {
        String label = r.containsKey("value") ? esc((String) r.get("value"))
            : num((Double) r.get("from")) + " – " + num((Double) r.get("to"));
        long n = (Long) r.get("count");
        h.append("<tr><th>").append(label).append("</th><td>").append(n).append("</td><td style=\"width:300px\">")
            .append("<div class=\"bar\" style=\"width:").append(Math.round(300.0 * n / Math.max(1, most)))
            .append("px\"></div></td></tr>");
      }
      h.append("</table></section>");
    }
    return h.append("</body></html>").toString();
  }

  private static String num(Double v) {
    return v == null ? "" : (v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf(v.longValue())
        : String.format("%.4g", v));
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
