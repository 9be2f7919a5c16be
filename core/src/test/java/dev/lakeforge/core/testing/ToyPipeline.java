package dev.lakeforge.core.testing;

import dev.lakeforge.core.run.RunContext;
import dev.lakeforge.core.table.TableRef;
import dev.lakeforge.core.table.TableWrite;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The part every test pipeline shares, so a test writes only the sections it is about: a lake under {@code ${TMP}}
 * (replaced by {@link SharedSpark#context} or by the test), one Parquet source {@code raw}, a registry nobody
 * listens on (tests that need MLflow set {@code registry.tracking_uri}) and an export folder.
 */
public final class ToyPipeline {
  private ToyPipeline() {}

  /**
   * @param pipeline the pipeline's name
   * @param sections YAML top-level sections (training_sets, training, drift, ...), each starting in column 0
   */
  public static String around(String pipeline, String sections) {
    return around(pipeline, sections, "http://127.0.0.1:1", "m", "{output: \"${TMP}/out\"}");
  }

  private static String around(String pipeline, String sections, String tracking, String model, String scoring) {
    return withSources(pipeline, "sources: {raw: {format: parquet, path: \"${TMP}/raw\"}}\n" + sections.strip(),
        tracking, model, scoring);
  }

  /**
   * As {@link #around(String, String)} for a test about sources (ingest, validation): {@code sections} declare their
   * own {@code sources}, and the lake, registry and scoring sections are the common ones.
   */
  public static String withSources(String pipeline, String sections) {
    return withSources(pipeline, sections, "http://127.0.0.1:1", "m", "{output: \"${TMP}/out\"}");
  }

  private static String withSources(String pipeline, String sections, String tracking, String model,
      String scoring) {
    return """
        pipeline: %s
        lake: {root: "${TMP}/lake", state: "${TMP}/state", models: "${TMP}/models"}
        %s
        registry: {tracking_uri: "%s", experiment: lakeforge-tests, model_name: %s}
        scoring: %s
        """.formatted(pipeline, sections.strip(), tracking, model, scoring);
  }

  /** A multiclass toy whose training set {@code training_sets.classes} has label values 1, 2 and 3. */
  public static final String THREE_CLASSES = around("classes", """
      training_sets:
        classes:
          spine: {source: silver.raw, keys: [id], event_time: ts, label: "cls"}
          features: [{name: x, expr: "x"}]
      training:
        task: TASK
        split: {column: ts, validate_from: "2020-01-21"}
        params: {num_round: 10, max_depth: 2, eta: 0.5, seed: 7}
      """);

  /**
   * {@link #THREE_CLASSES} with its training set written: 600 hourly rows from 2020-01-01 (validation from Jan 21:
   * 120 rows); x is 0.1, 0.5, 0.9 for classes 1, 2, 3 (column {@code cls}); the label is {@code labelSql} over them.
   *
   * @param task the config's training.task
   * @param dir  the folder that stands for ${TMP}
   */
  public static RunContext threeClasses(String task, String labelSql, Path dir) {
    RunContext ctx = SharedSpark.context(THREE_CLASSES.replace("${TMP}", dir.toString()).replace("TASK", task),
        "2020-02-01");
    var rows = threeClassRows(ctx).selectExpr("id", "ts", "x", labelSql + " AS label");
    ctx.lake().write(rows, TableWrite.overwrite(TableRef.parse("training_sets.classes")));
    return ctx;
  }

  /**
   * {@link #THREE_CLASSES} with the rows of {@link #threeClasses} as the spine's source {@code silver.raw} (columns
   * id, ts, x, cls and {@code labelSql AS y}) and {@code spine.label} set to {@code labelExpr}, for tests of the
   * training-set stage; {@code features} replaces the feature list.
   */
  public static RunContext threeClassSource(String task, String labelSql, String labelExpr, String features,
      Path dir) {
    RunContext ctx = SharedSpark.context(THREE_CLASSES.replace("${TMP}", dir.toString()).replace("TASK", task)
        .replace("label: \"cls\"", "label: \"" + labelExpr + "\"")
        .replace("features: [{name: x, expr: \"x\"}]", "features: " + features), "2020-02-01");
    var rows = threeClassRows(ctx).selectExpr("id", "ts", "x", "cls", labelSql + " AS y");
    ctx.lake().write(rows, TableWrite.overwrite(TableRef.parse("silver.raw")));
    return ctx;
  }

  private static Dataset<Row> threeClassRows(RunContext ctx) {
    return ctx.spark().range(600).selectExpr("id", "timestamp_seconds(1577836800 + id * 3600) AS ts",
        "element_at(array(0.1, 0.5, 0.9), CAST(id % 3 AS INT) + 1) AS x", "CAST(id % 3 AS INT) + 1 AS cls");
  }

  /**
   * The binary toy most stage tests share (train, evaluate, register, score, the Spark-free scorer): training set
   * {@code training_sets.toy} on the spine {@code silver.raw} keyed by {@code shop}, event time {@code ts}, label
   * {@code y}, features x and z, a time split at 2020-01-21 and XGBoost. Each setter replaces one part.
   */
  public static Binary binary() {
    return new Binary();
  }

  /** The YAML of {@link #binary()}; tests replace {@code ${TMP}} (or let {@link SharedSpark#context} do it). */
  public static final class Binary {
    private String keys = "[shop]";
    private String params = "{num_round: 20, max_depth: 3, eta: 0.3, seed: 7}";
    private String evaluation;
    private String tracking = "http://127.0.0.1:1";
    private String modelName = "m";
    private String scoring = "{output: \"${TMP}/out\"}";

    private Binary() {}

    /** The spine's keys as YAML, e.g. {@code [id]}; null for none. */
    public Binary keys(String yaml) {
      keys = yaml;
      return this;
    }

    /** {@code training.params} as YAML. */
    public Binary params(String yaml) {
      params = yaml;
      return this;
    }

    /** The {@code evaluation} section's body, indented by two spaces if it spans lines. */
    public Binary evaluation(String yaml) {
      evaluation = yaml;
      return this;
    }

    public Binary registry(String trackingUri, String model) {
      tracking = trackingUri;
      modelName = model;
      return this;
    }

    /** The {@code scoring} section as YAML. */
    public Binary scoring(String yaml) {
      scoring = yaml;
      return this;
    }

    public String yaml() {
      String spineKeys = keys == null ? "" : "keys: " + keys + ", ";
      String sections = """
          training_sets:
            toy:
              spine: {source: silver.raw, %sevent_time: ts, label: "y"}
              features: [{name: x, expr: "x"}, {name: z, expr: "z"}]
          training:
            split: {column: ts, validate_from: "2020-01-21"}
            params: %s
          """.formatted(spineKeys, params);
      if (evaluation != null) {
        sections += "evaluation:" + (evaluation.contains("\n") ? "\n" + evaluation.stripTrailing() : " " + evaluation);
      }
      return around("toy", sections, tracking, modelName, scoring);
    }
  }

  /**
   * Writes {@code training_sets.toy} for {@link #binary()}: 600 hourly rows from 2020-01-01 (validation from Jan 21,
   * the run date 2020-01-22 holds 24), shop cycling a, b, c, d, {@code x = rand(3)}, {@code u = rand(4)}, and
   * {@code z} and the label as the given SQL over them (e.g. {@code CAST(u < x AS DOUBLE)}: label ~ Bernoulli(x)).
   *
   * @return the rows written (ts, shop, x, z, label)
   */
  public static Dataset<Row> writeBinaryTrainingSet(RunContext ctx, String zSql, String labelSql) {
    var rows = ctx.spark().range(600).selectExpr("timestamp_seconds(1577836800 + id * 3600) AS ts",
        "element_at(array('a','b','c','d'), CAST(id % 4 AS INT) + 1) AS shop", "rand(3) AS x", zSql + " AS z",
        "rand(4) AS u").selectExpr("ts", "shop", "x", "z", labelSql + " AS label");
    ctx.lake().write(rows, TableWrite.overwrite(TableRef.parse("training_sets.toy")));
    return rows;
  }
}
