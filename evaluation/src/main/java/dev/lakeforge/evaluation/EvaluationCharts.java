package dev.lakeforge.evaluation;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's plots, drawn by XChart and encoded as PNG. Each method returns one chart's bytes. */
public final class EvaluationCharts {
  static final int WIDTH = 640;
  static final int HEIGHT = 480;
  private static final Color MODEL = new Color(0x1f, 0x77, 0xb4);
  private static final Color OTHER = new Color(0xff, 0x7f, 0x0e);
  private static final Color REFERENCE = Color.GRAY;

  private EvaluationCharts() {}

  public static byte[] roc(List<BinaryMetrics.Point> roc, double auc) {
    XYChart chart = xy("ROC curve", "False positive rate", "True positive rate", LegendPosition.InsideSE);
    unitAxes(chart);
    line(chart, String.format("model (AUC %.4f)", auc), roc, MODEL);
    dashed(chart, "chance", List.of(new BinaryMetrics.Point(0, 0), new BinaryMetrics.Point(1, 1)));
    return png(chart);
  }

  public static byte[] precisionRecall(List<BinaryMetrics.Point> pr, double aucPr, double positiveRate) {
    XYChart chart = xy("Precision-recall curve", "Recall", "Precision", LegendPosition.InsideNE);
    unitAxes(chart);
    line(chart, String.format("model (AUC-PR %.4f)", aucPr), pr, MODEL);
    dashed(chart, String.format("positive rate %.3f", positiveRate),
        List.of(new BinaryMetrics.Point(0, positiveRate), new BinaryMetrics.Point(1, positiveRate)));
    return png(chart);
  }

  public static byte[] calibration(List<BinaryMetrics.CalibrationBin> bins) {
    XYChart chart = xy("Calibration (reliability)", "Mean predicted probability", "Observed positive rate",
        LegendPosition.InsideNW);
    unitAxes(chart);
    List<BinaryMetrics.Point> points = new ArrayList<>();
    for (BinaryMetrics.CalibrationBin b : bins) {
      if (b.rows() > 0) {
        points.add(new BinaryMetrics.Point(b.meanPredicted(), b.observedRate()));
      }
    }
    XYSeries s = line(chart, "model, " + bins.size() + " bins", points, MODEL);
    s.setMarker(SeriesMarkers.CIRCLE);
    dashed(chart, "perfectly calibrated", List.of(new BinaryMetrics.Point(0, 0), new BinaryMetrics.Point(1, 1)));
    return png(chart);
  }

  /** @param confusion rows are the actual class, columns the predicted one */
  public static byte[] confusion(long[][] confusion, List<String> classes) {
    HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH).height(HEIGHT).title("Confusion matrix (rows)")
        .xAxisTitle("Predicted").yAxisTitle("Actual").build();
    chart.getStyler().setShowValue(true).setHeatMapValueDecimalPattern("#,###")
        .setRangeColors(new Color[] {new Color(0xf7, 0xfb, 0xff), new Color(0xc6, 0xdb, 0xef),
            new Color(0x6b, 0xae, 0xd6)})
        .setLegendVisible(false);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    List<Number[]> cells = new ArrayList<>();
    for (int actual = 0; actual < confusion.length; actual++) {
      for (int predicted = 0; predicted < confusion.length; predicted++) {
        cells.add(new Number[] {predicted, actual, confusion[actual][predicted]});
      }
    }
    chart.addSeries("rows", classes, classes, cells);
    return png(chart);
  }

  /** The {@code top} features by importance, largest first. */
  public static byte[] importance(Map<String, Double> importance, String kind, int top) {
    List<Map.Entry<String, Double>> sorted = new ArrayList<>(importance.entrySet());
    sorted.sort(Map.Entry.<String, Double>comparingByValue(Comparator.comparingDouble(Math::abs)).reversed());
    List<Map.Entry<String, Double>> shown = sorted.subList(0, Math.min(top, sorted.size()));
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
        .title("Feature importance (" + kind + ", top " + shown.size() + ")").yAxisTitle(kind).build();
    chart.getStyler().setXAxisLabelRotation(60);
    chart.getStyler().setLegendVisible(false).setChartBackgroundColor(Color.WHITE).setSeriesColors(new Color[] {MODEL});
    chart.addSeries(kind, shown.stream().map(Map.Entry::getKey).toList(),
        shown.stream().map(e -> (Number) e.getValue()).toList());
    return png(chart);
  }

  /** Per-round curves of training and validation, e.g. "train-logloss" and "validation-logloss". */
  public static byte[] learningCurves(Map<String, List<Double>> curves, String metric, Integer bestIteration) {
    XYChart chart = xy("Learning curves", "Round", metric, LegendPosition.InsideNE);
    Color[] colors = {MODEL, OTHER, new Color(0x2c, 0xa0, 0x2c), new Color(0xd6, 0x27, 0x28)};
    int i = 0;
    for (Map.Entry<String, List<Double>> curve : new LinkedHashMap<>(curves).entrySet()) {
      List<BinaryMetrics.Point> points = new ArrayList<>();
      for (int round = 0; round < curve.getValue().size(); round++) {
        points.add(new BinaryMetrics.Point(round + 1, curve.getValue().get(round)));
      }
      if (!points.isEmpty()) {
        line(chart, curve.getKey(), points, colors[i++ % colors.length]);
      }
    }
    if (bestIteration != null) {
      chart.setTitle("Learning curves (best round " + (bestIteration + 1) + ")");
    }
    return png(chart);
  }

  public static byte[] predictedVersusActual(List<BinaryMetrics.Point> sample) {
    XYChart chart = xy("Predicted vs actual (" + sample.size() + " sampled rows)", "Actual", "Predicted",
        LegendPosition.InsideNW);
    XYSeries s = line(chart, "rows", sample, MODEL);
    s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
    double lo = sample.stream().mapToDouble(p -> Math.min(p.x(), p.y())).min().orElse(0);
    double hi = sample.stream().mapToDouble(p -> Math.max(p.x(), p.y())).max().orElse(1);
    dashed(chart, "predicted = actual", List.of(new BinaryMetrics.Point(lo, lo), new BinaryMetrics.Point(hi, hi)));
    return png(chart);
  }

  private static XYChart xy(String title, String x, String y, LegendPosition legend) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y)
        .build();
    chart.getStyler().setLegendPosition(legend).setChartBackgroundColor(Color.WHITE).setMarkerSize(6);
    return chart;
  }

  private static void unitAxes(XYChart chart) {
    chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
  }

  private static XYSeries line(XYChart chart, String name, List<BinaryMetrics.Point> points, Color color) {
    List<BinaryMetrics.Point> drawn = points.isEmpty() ? List.of(new BinaryMetrics.Point(0, 0)) : points;
    XYSeries s = chart.addSeries(name, drawn.stream().mapToDouble(BinaryMetrics.Point::x).toArray(),
        drawn.stream().mapToDouble(BinaryMetrics.Point::y).toArray());
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(color);
    s.setMarkerColor(color);
    return s;
  }

  private static void dashed(XYChart chart, String name, List<BinaryMetrics.Point> points) {
    XYSeries s = line(chart, name, points, REFERENCE);
    s.setLineStyle(SeriesLines.DASH_DASH);
  }

  private static byte[] png(Chart<?, ?> chart) {
    try {
      return BitmapEncoder.getBitmapBytes(chart, BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode the chart '" + chart.getTitle() + "' as PNG", e);
    }
  }
}
