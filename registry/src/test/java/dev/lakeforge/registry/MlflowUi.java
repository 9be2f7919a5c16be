package dev.lakeforge.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * MLflow UI pages as a person sees them: rendered by headless Chromium (Debian's, installed by scripts/chromium.sh;
 * path in LAKEFORGE_CHROMIUM), which runs the UI's JavaScript against the real server. Each page is saved as a
 * screenshot under target/mlflow-ui/ for people to look at, and its rendered DOM returned for the assertions.
 */
final class MlflowUi {
  private MlflowUi() {}

  /**
   * @param url        a UI address, e.g. {@code http://host:port/#/models/NAME/versions/1}
   * @param screenshot the PNG to write
   * @return the page's DOM after its scripts ran (20 s of virtual time)
   */
  static String render(String chromium, String url, Path screenshot) throws Exception {
    Files.createDirectories(screenshot.getParent());
    run(chromium, "--window-size=1400,1000", "--hide-scrollbars", "--screenshot=" + screenshot, url);
    assertTrue(Files.size(screenshot) > 10_000, "a rendered page, not a blank one: " + screenshot);
    return run(chromium, "--dump-dom", url);
  }

  private static String run(String chromium, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
        "--virtual-time-budget=20000"));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("chromium", ".html");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium within 2 minutes: " + command);
    assertEquals(0, p.exitValue(), "chromium " + command);
    String dom = Files.readString(out, StandardCharsets.UTF_8);
    Files.delete(out);
    return dom;
  }
}
