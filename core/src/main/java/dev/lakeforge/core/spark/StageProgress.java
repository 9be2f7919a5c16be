package dev.lakeforge.core.spark;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * Live progress of the running Lakeforge stage, from Spark's listener events: the stage's elapsed time, its Spark
 * jobs (done and running), the running Spark stages' tasks (done / total) and the rows read so far (input records
 * of finished tasks, Spark's {@code inputMetrics.recordsRead}). On a terminal it is one line rewritten every second;
 * elsewhere (a log file, an Airflow task log, a cluster driver's stderr) a plain line every interval. Nothing is
 * shown for a stage that ends before its first line is due.
 *
 * <pre>{@code progress validate 1:05  rows read 1,234,567  jobs 4 done, 1 running  tasks 120/200 (Spark stage 7)}</pre>
 */
public final class StageProgress extends SparkListener implements AutoCloseable {
  /** How progress is shown. */
  public enum Mode {
    /** One line rewritten in place, on the process's terminal ({@code /dev/tty}). */
    TERMINAL,
    /** A plain line every interval, on the given writer. */
    LINES,
    /** Nothing. */
    OFF;

    /**
     * From the system property {@code lakeforge.progress}: {@code terminal}, {@code lines} (the default) or
     * {@code off}. bin/lakeforge sets {@code terminal} when its stderr is a terminal.
     */
    public static Mode fromSystemProperty() {
      String value = System.getProperty("lakeforge.progress", "lines").trim().toUpperCase(Locale.ROOT);
      try {
        return Mode.valueOf(value);
      } catch (IllegalArgumentException e) {
        return LINES;
      }
    }
  }

  /** Seconds between plain lines, from {@code lakeforge.progress.interval} (default 30). */
  public static Duration intervalFromSystemProperty() {
    return Duration.ofSeconds(intProperty("lakeforge.progress.interval", 30, 1));
  }

  private static final Duration TERMINAL_DELAY = Duration.ofSeconds(2);
  /** The terminal's width, from {@code lakeforge.progress.columns} (bin/lakeforge asks the terminal); 80 if unknown. */
  private static final int TERMINAL_COLUMNS = intProperty("lakeforge.progress.columns", 80, 20);

  /** A whole-number system property; {@code fallback} when unset, not a number or below {@code min}. */
  private static int intProperty(String name, int fallback, int min) {
    try {
      int value = Integer.parseInt(System.getProperty(name, "").trim());
      return value >= min ? value : fallback;
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private final SparkContext sparkContext;
  private final Mode mode;
  private final PrintWriter out;
  private final Duration interval;
  private final ScheduledExecutorService ticker;

  private String stage;
  private long startNanos;
  private long nextLineNanos;
  private int jobsDone;
  private int jobsRunning;
  private final Map<Integer, int[]> runningStages = new TreeMap<>(); // Spark stage id -> {tasks done, tasks}
  private long rowsRead;
  private int shownWidth;

  private StageProgress(SparkContext sparkContext, Mode mode, PrintWriter out, Duration interval) {
    this.sparkContext = sparkContext;
    this.mode = mode;
    this.out = out;
    this.interval = interval;
    if (mode == Mode.OFF) {
      ticker = null;
      return;
    }
    ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lakeforge-progress");
      t.setDaemon(true);
      return t;
    });
    long period = mode == Mode.TERMINAL ? 1000 : Math.min(1000, interval.toMillis());
    ticker.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
    sparkContext.addSparkListener(this);
  }

  /**
   * Starts showing the progress of the stages run on {@code spark}.
   *
   * @param lines where plain lines go (the command's stderr); in {@link Mode#TERMINAL} the terminal is opened
   *              instead, and plain lines are used when it cannot be
   */
  public static StageProgress attach(SparkSession spark, Mode mode, PrintWriter lines, Duration interval) {
    if (mode == Mode.TERMINAL) {
      try {
        PrintWriter tty = new PrintWriter(new OutputStreamWriter(new FileOutputStream("/dev/tty"),
            StandardCharsets.UTF_8), true);
        return new StageProgress(spark.sparkContext(), mode, tty, interval);
      } catch (IOException | SecurityException e) {
        mode = Mode.LINES;
      }
    }
    return new StageProgress(spark.sparkContext(), mode, lines, interval);
  }

  /** The Lakeforge stage now running: its jobs, tasks and rows are counted from here. */
  public synchronized void begin(String stageName) {
    stage = stageName;
    startNanos = System.nanoTime();
    nextLineNanos = startNanos + (mode == Mode.TERMINAL ? TERMINAL_DELAY : interval).toNanos();
    jobsDone = 0;
    rowsRead = 0;
  }

  /** The stage ended: a terminal line is cleared, so that the stage's summary starts on a clean line. */
  public synchronized void end() {
    stage = null;
    if (mode == Mode.TERMINAL && shownWidth > 0) {
      out.print("\r" + " ".repeat(shownWidth) + "\r");
      out.flush();
      shownWidth = 0;
    }
  }

  /** The progress line as it stands, without the "progress" prefix; null when no stage runs. */
  public synchronized String line() {
    if (stage == null) {
      return null;
    }
    long seconds = (System.nanoTime() - startNanos) / 1_000_000_000L;
    // Most telling first: a narrow terminal cuts the end.
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s %d:%02d  rows read %,d  jobs %d done, %d "
        + "running", stage, seconds / 60, seconds % 60, rowsRead, jobsDone, jobsRunning));
    runningStages.forEach((id, tasks) ->
        line.append(String.format(Locale.ROOT, "  tasks %d/%d (Spark stage %d)", tasks[0], tasks[1], id)));
    return line.toString();
  }

  private synchronized void tick() {
    if (stage == null || System.nanoTime() < nextLineNanos) {
      return;
    }
    String line = "progress " + line();
    if (mode == Mode.TERMINAL) {
      // A line wider than the terminal wraps, and \r returns only to its last row: cut it to fit.
      line = line.substring(0, Math.min(line.length(), TERMINAL_COLUMNS - 1));
      out.print("\r" + line + " ".repeat(Math.max(0, shownWidth - line.length())));
      shownWidth = line.length();
      nextLineNanos = System.nanoTime();
    } else {
      out.println(line);
      nextLineNanos = System.nanoTime() + interval.toNanos();
    }
    out.flush();
  }

  @Override
  public synchronized void onJobStart(SparkListenerJobStart jobStart) {
    jobsRunning++;
  }

  @Override
  public synchronized void onJobEnd(SparkListenerJobEnd jobEnd) {
    jobsRunning = Math.max(0, jobsRunning - 1);
    jobsDone++;
  }

  @Override
  public synchronized void onStageSubmitted(SparkListenerStageSubmitted submitted) {
    runningStages.put(submitted.stageInfo().stageId(), new int[] {0, submitted.stageInfo().numTasks()});
  }

  @Override
  public synchronized void onStageCompleted(SparkListenerStageCompleted completed) {
    runningStages.remove(completed.stageInfo().stageId());
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    if (taskEnd.reason() != org.apache.spark.Success$.MODULE$) {
      return; // a failed or killed attempt: its rows are read again by the next one
    }
    int[] tasks = runningStages.get(taskEnd.stageId());
    if (tasks != null) {
      tasks[0]++;
    }
    if (taskEnd.taskMetrics() != null) {
      rowsRead += taskEnd.taskMetrics().inputMetrics().recordsRead();
    }
  }

  @Override
  public void close() {
    end();
    if (ticker != null) {
      ticker.shutdownNow();
      sparkContext.removeSparkListener(this);
    }
  }
}
