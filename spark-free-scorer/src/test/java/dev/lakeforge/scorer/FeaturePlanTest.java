package dev.lakeforge.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeforge.core.config.TaskKind;
import dev.lakeforge.core.error.ErrorKind;
import dev.lakeforge.core.error.LakeforgeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the scorer cannot compute it names, with what to supply; what it can, it computes as Spark does. */
class FeaturePlanTest {
  static final String RECIPE = """
      {"format": 1, "training_set": "flights", "time_zone": "UTC", "features": {
        "distance": {"kind": "column", "column": "distance"},
        "hour": {"kind": "time_part", "part": "hour", "column": "date"},
        "origin_late_share": {"kind": "feature_set", "feature_sets": ["origin_daily"],
          "reason": "it comes from the history of feature set(s) origin_daily, looked up point in time"},
        "speed": {"kind": "expr", "expr": "distance / 60", "reason": "it is a Spark SQL expression (distance / 60)"}
      }}""";

  static ScorerModel model() throws Exception {
    return new ScorerModel(TaskKind.BINARY, List.of("distance", "hour", "origin_late_share", "speed"), null,
        "flights", null, new ObjectMapper().readTree(RECIPE));
  }

  @Test
  void historyAndSqlFeaturesAreNamedWithWhatToSupply() throws Exception {
    LakeforgeException e = assertThrows(LakeforgeException.class,
        () -> FeaturePlan.of(model(), List.of("date", "distance"), Path.of("rows.csv")));
    assertEquals(ErrorKind.INPUT, e.kind());
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("the scorer cannot compute origin_late_share (it comes from the history of "
        + "feature set(s) origin_daily, looked up point in time: supply column 'origin_late_share'"), e.getMessage());
    assertTrue(e.getMessage().contains("speed (it is a Spark SQL expression (distance / 60): supply column 'speed'"),
        e.getMessage());
  }

  @Test
  void suppliedColumnsStandInForWhatCannotBeComputed() throws Exception {
    Path csv = Files.createTempFile("rows", ".csv");
    Files.writeString(csv, "date,distance,origin_late_share,speed\n2001-06-16T23:30:00-04:00,600,0.25,\n");
    try (CsvInput in = new CsvInput(csv)) {
      FeaturePlan plan = FeaturePlan.of(model(), in.columns(), csv);
      in.need(plan.numericColumns(), plan.textColumns());
      float[] row = new float[4];
      in.next();
      plan.fill(in, row, 0);
      assertEquals(600f, row[0]);
      assertEquals(3f, row[1], "23:30 at -04:00 is 03:30 UTC");
      assertEquals(0.25f, row[2]);
      assertTrue(Float.isNaN(row[3]), "an empty cell is missing");
    }
  }

  @Test
  void aKeptColumnNamedLikeAnOutputIsRefused() throws Exception {
    Path csv = Files.createTempFile("scored", ".csv");
    Files.writeString(csv, "date,distance,origin_late_share,speed,prediction\n2001-06-16,600,0.25,,1.0\n");
    LakeforgeException e = assertThrows(LakeforgeException.class,
        () -> new FileScorer(model(), 10).score(csv, csv.resolveSibling("out.csv"), null));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("its column 'prediction' would be kept beside the scorer's own"),
        e.getMessage());
  }

  @Test
  void timePartsAreSparks() {
    LocalDateTime sunday = LocalDateTime.of(2001, 1, 7, 5, 6);
    assertEquals(1, Timestamps.part("day_of_week", sunday), "Spark's dayofweek: 1 = Sunday");
    assertEquals(7, Timestamps.part("day_of_week", sunday.minusDays(1)), "Saturday");
    assertEquals(1, Timestamps.part("week_of_year", sunday), "ISO week: 2001-01-07 is in week 1");
    assertEquals(53, Timestamps.part("week_of_year", LocalDateTime.of(2005, 1, 2, 0, 0)), "ISO: 2005-01-02 is 2004-W53");
    assertEquals(LocalDateTime.of(2001, 6, 16, 0, 0), Timestamps.parse("2001-06-16", ZoneId.of("UTC")));
    assertEquals(LocalDateTime.of(2001, 6, 16, 8, 5, 0, 123_000_000),
        Timestamps.parse("2001-06-16 08:05:00.123", ZoneId.of("UTC")));
    assertEquals(LocalDateTime.of(2001, 6, 16, 4, 5), Timestamps.parse("2001-06-16T08:05:00Z",
        ZoneId.of("America/New_York")));
  }
}
