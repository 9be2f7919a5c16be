package dev.lakeforge.evaluation;

import dev.lakeforge.core.config.TaskKind;
import dev.lakeforge.core.storage.Storage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;

/**
 * One self-contained HTML page per evaluation (plots inlined as PNG data URIs, no scripts, no external files) and
 * the same plots as PNG files beside it, on any Hadoop path. The page is written last in one commit
 * ({@link Storage#commit}), so a reader never sees half a page, nor a page whose plots are not written yet.
 */
public final class EvaluationReport {
  public static final String DIRECTORY = "evaluation";
  public static final String FILE = "report.html";

  private EvaluationReport() {}

  /** Writes the plots and the report into {@code dir}; returns the report's path. */
  public static String write(Storage storage, String dir, Evaluation e, Map<String, byte[]> plots) {
    for (Map.Entry<String, byte[]> plot : plots.entrySet()) {
      storage.write(storage.resolve(dir, plot.getKey()), plot.getValue());
    }
    String report = storage.resolve(dir, FILE);
    storage.commit(report, html(e, plots).getBytes(StandardCharsets.UTF_8));
    return report;
  }

  static String html(Evaluation e, Map<String, byte[]> plots) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Evaluation of ")
        .append(esc(e.model())).append("</title>\n<style>")
        .append("body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1360px}")
        .append("h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}")
        .append("table{border-collapse:collapse;font-size:13px;margin:8px 0}")
        .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}")
        .append("td.l,th.l{text-align:left}.ok{color:#176f2c}.bad{color:#b00020;font-weight:600}")
        .append(".warn{color:#a05a00}.badge{display:inline-block;padding:4px 10px;border-radius:4px;color:#fff}")
        .append(".plots img{width:480px;margin:4px;border:1px solid #eee}</style></head><body>\n");
    h.append("<h1>Evaluation of ").append(esc(e.model())).append("</h1>\n<p>")
        .append(e.blessed() ? "<span class=\"badge\" style=\"background:#176f2c\">blessed</span>"
            : "<span class=\"badge\" style=\"background:#b00020\">not blessed</span>")
        .append(" &nbsp;").append(esc(e.algorithm())).append(", ").append(esc(e.task().id()))
        .append(", validated on ").append(esc(e.validatedOn())).append(", run date ").append(esc(e.runDate()))
        .append("</p>\n");

    h.append("<h2>Gates</h2>\n");
    if (e.gates().isEmpty()) {
      h.append("<p>No gates are configured (evaluation.gates): every model is blessed.</p>\n");
    } else {
      h.append("<p>Champion: ").append(e.champion() == null ? "none yet (absolute bounds alone decide)"
          : esc(e.champion())).append("</p>\n");
      table(h, List.of("metric", "value", "min", "max", "champion", "champion margin", "result"),
          e.gates().stream().map(g -> List.of(g.metric(), num(g.value()), opt(g.min()), opt(g.max()),
              opt(g.champion()), opt(g.championMargin()), g.passed() ? "<span class=\"ok\">pass</span>"
                  : "<span class=\"bad\">" + esc(g.reason()) + "</span>")).toList(), 1);
    }

    h.append("<h2>Metrics</h2>\n");
    List<List<String>> metricRows = new ArrayList<>();
    e.metrics().forEach((k, v) -> metricRows.add(List.of(k, num(v),
        e.championMetrics() == null || !e.championMetrics().containsKey(k) ? "" : num(e.championMetrics().get(k)))));
    table(h, List.of("metric", "model", e.champion() == null ? "champion" : esc(e.champion())), metricRows, 1);
    if (e.task() == TaskKind.BINARY) {
      h.append("<p>Counts and rates at the threshold ").append(e.threshold())
          .append("; best_f1_threshold is searched on steps of 0.001.</p>\n");
    }

    h.append("<h2>Plots</h2>\n<div class=\"plots\">");
    plots.forEach((name, png) -> h.append("<img alt=\"").append(esc(name)).append("\" src=\"data:image/png;base64,")
        .append(Base64.getEncoder().encodeToString(png)).append("\">"));
    h.append("</div>\n");

    if (e.confusion() != null) {
      h.append("<h2>Confusion matrix</h2>\n<p>Rows: actual class; columns: predicted class.</p>\n");
      List<String> head = new ArrayList<>(List.of("actual \\ predicted"));
      head.addAll(e.classes());
      List<List<String>> rows = new ArrayList<>();
      for (int a = 0; a < e.confusion().length; a++) {
        List<String> row = new ArrayList<>(List.of(esc(e.classes().get(a))));
        for (long c : e.confusion()[a]) {
          row.add(String.format("%,d", c));
        }
        rows.add(row);
      }
      table(h, head, rows, 1);
    }

    if (e.calibration() != null && !e.calibration().isEmpty()) {
      h.append("<h2>Calibration</h2>\n");
      table(h, List.of("probability bin", "rows", "mean predicted", "observed rate"), e.calibration().stream()
          .map(b -> List.of(String.format("[%.2f, %.2f)", b.lower(), b.upper()), String.format("%,d", b.rows()),
              num(b.meanPredicted()), num(b.observedRate()))).toList(), 1);
    }

    if (!e.slices().isEmpty()) {
      h.append("<h2>Slices</h2>\n");
      Map<String, List<SliceMetrics.Slice>> byColumn = new LinkedHashMap<>();
      e.slices().forEach(s -> byColumn.computeIfAbsent(s.column(), k -> new ArrayList<>()).add(s));
      for (Map.Entry<String, List<SliceMetrics.Slice>> column : byColumn.entrySet()) {
        // The overall table's order (rows first), without the confusion counts.
        Set<String> present = new HashSet<>();
        column.getValue().forEach(s -> present.addAll(s.metrics().keySet()));
        List<String> keys = new ArrayList<>(List.of("rows"));
        e.metrics().keySet().stream().filter(n -> present.contains(n) && !n.equals("rows")
            && !List.of("tp", "fp", "fn", "tn").contains(n)).forEach(keys::add);
        List<String> head = new ArrayList<>(List.of(esc(column.getKey())));
        head.addAll(keys);
        head.add("note");
        List<List<String>> rows = new ArrayList<>();
        for (SliceMetrics.Slice s : column.getValue()) {
          List<String> row = new ArrayList<>(List.of(esc(s.value())));
          for (String k : keys) {
            Double v = s.metrics().get(k);
            row.add(v == null ? "" : k.equals("rows") ? String.format("%,d", v.longValue()) : num(v));
          }
          row.add(s.note() == null ? "" : "<span class=\"warn\">" + esc(s.note()) + "</span>");
          rows.add(row);
        }
        table(h, head, rows, 1);
      }
    }

    h.append("<h2>Drift: validation rows against the training window</h2>\n<p>").append(esc(e.driftReference()))
        .append("</p>\n");
    if (!e.drift().isEmpty()) {
      // One row per feature, one column per method; a warn or fail level crossed is marked in its cell.
      List<String> methods = e.drift().stream().map(DriftStage.Result::method).distinct().toList();
      Map<String, Map<String, DriftStage.Result>> byFeature = new LinkedHashMap<>();
      e.drift().forEach(d -> byFeature.computeIfAbsent(d.column(), k -> new LinkedHashMap<>()).put(d.method(), d));
      List<String> head = new ArrayList<>(List.of("feature"));
      head.addAll(methods);
      List<List<String>> rows = new ArrayList<>();
      byFeature.forEach((feature, results) -> {
        List<String> row = new ArrayList<>(List.of(esc(feature)));
        for (String method : methods) {
          DriftStage.Result d = results.get(method);
          row.add(d == null ? "" : d.status().equals("ok") ? num(d.value())
              : "<span class=\"" + (d.status().equals("fail") ? "bad" : "warn") + "\">" + num(d.value()) + " "
                  + d.status() + "</span>");
        }
        rows.add(row);
      });
      table(h, head, rows, 1);
    }

    h.append("<h2>Lineage</h2>\n");
    List<List<String>> lineage = new ArrayList<>();
    lineage.add(List.of("validated on", esc(e.validatedOn())));
    e.lineage().forEach((t, v) -> lineage.add(List.of(esc(t), v)));
    lineage.add(List.of("config hash", esc(e.configHash())));
    lineage.add(List.of("run id", esc(e.runId())));
    lineage.add(List.of("model", esc(e.model())));
    table(h, List.of("input", "version"), lineage, 2);
    h.append("</body></html>\n");
    return h.toString();
  }

  /** Cells are HTML already; the first {@code leftColumns} are left-aligned. */
  private static void table(StringBuilder h, List<String> head, List<List<String>> rows, int leftColumns) {
    h.append("<table><tr>");
    for (int i = 0; i < head.size(); i++) {
      h.append(i < leftColumns ? "<th class=\"l\">" : "<th>").append(head.get(i)).append("</th>");
    }
    h.append("</tr>\n");
    for (List<String> row : rows) {
      h.append("<tr>");
      for (int i = 0; i < row.size(); i++) {
        h.append(i < leftColumns ? "<td class=\"l\">" : "<td>").append(row.get(i)).append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</table>\n");
  }

  static String num(double v) {
    if (Double.isNaN(v)) {
      return "undefined";
    }
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format("%,d", (long) v) : String.format("%.4f", v);
  }

  private static String opt(Double v) {
    return v == null ? "" : num(v);
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
