package dev.lakeforge.scorer;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Scored rows as CSV with a header line (FastCSV: values with commas, quotes or line breaks are quoted). */
final class CsvOutput implements OutputRows {
  private final CsvWriter writer;
  private final Predictions predictions;
  private final String[] cells;
  private final int kept;

  CsvOutput(Path file, List<String> keptColumns, Predictions predictions) throws IOException {
    this.writer = CsvWriter.builder().lineDelimiter(LineDelimiter.LF).bufferSize(1 << 16)
        .build(file, StandardCharsets.UTF_8);
    this.predictions = predictions;
    this.kept = keptColumns.size();
    List<String> header = new ArrayList<>(keptColumns);
    header.add("prediction");
    if (predictions.hasProbability()) {
      header.add("probability");
    }
    this.cells = new String[header.size()];
    writer.writeRecord(header);
  }

  @Override
  public void write(Object[] keptValues, float[] p) {
    for (int i = 0; i < kept; i++) {
      cells[i] = keptValues[i] == null ? "" : keptValues[i].toString();
    }
    if (predictions.multiclass()) {
      cells[kept] = predictions.label(p);
      cells[kept + 1] = Predictions.list(p);
    } else {
      double value = predictions.value(p);
      cells[kept] = value == 1.0 ? "1.0" : value == 0.0 ? "0.0" : Double.toString(value);
      if (predictions.hasProbability()) {
        cells[kept + 1] = Double.toString(p[0]);
      }
    }
    writer.writeRecord(cells);
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }
}
