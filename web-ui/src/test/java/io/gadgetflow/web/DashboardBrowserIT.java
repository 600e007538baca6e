package io.gadgetflow.web;

import static io.gadgetflow.web.WebPlatform.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.RunMode;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceSpec;
import io.gadgetflow.api.trace.TraceStatus;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium (Debian's, driven through Debian's chromedriver, both
 * installed by scripts/lib.sh; nothing is downloaded), in local mode as {@code gadgetflow up} runs
 * it, with the real controller, node agent, API server and broker behind it.
 */
@WithKafka
@WithKubernetes
class DashboardBrowserIT {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target");

  static WebPlatform platform;
  static WebDriver browser;

  /** What the browser showed when a test failed, to read beside the failure. */
  @RegisterExtension
  static final TestWatcher KEEP_FAILED_PAGE =
      new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
          String name = context.getRequiredTestMethod().getName();
          try {
            screenshot("failed-" + name + ".png");
            Files.writeString(
                SCREENSHOTS.resolve("failed-" + name + ".html"), browser.getPageSource());
          } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
          }
        }
      };

  @BeforeAll
  static void start(KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    String node = InetAddress.getLocalHost().getHostName();
    platform =
        new WebPlatform(cluster, kafka, cluster.createNamespace("browser"), node)
            .withControllerAndNodeAgent()
            .withWeb(true, WebConfig.DEFAULT_SOCKET_QUEUE_EVENTS);
    ChromeDriverService driver =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeOptions options =
        new ChromeOptions()
            .setBinary(CHROMIUM.toFile())
            .addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-dev-shm-usage",
                "--window-size=1440,1000");
    browser = new ChromeDriver(driver, options);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    platform.close();
  }

  @Test
  void startsExecFromTheFormShowsTheCommandLiveAndStopsIt() throws Exception {
    String name = "exec-" + UUID.randomUUID().toString().substring(0, 6);
    WebDriverWait wait = startFromTheForm("execsnoop", name, Map.of());
    wait.until(
        ExpectedConditions.presenceOfElementLocated(By.cssSelector(".connections .conn.live")));
    String marker = "gadgetflow-browser-" + UUID.randomUUID();
    runTrue(marker);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("events"), marker));

    WebElement filter = browser.findElement(By.id("event-filter"));
    filter.sendKeys(marker);
    wait.until(
        d ->
            d.findElements(By.cssSelector("#events tbody tr.event")).size() == 1
                && d.findElement(By.cssSelector("#events tbody tr.event"))
                    .getText()
                    .contains(marker));
    // Selenium's clear() sends no input event; deleting the text as a person would does.
    filter.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
    runShell("uname -r; id -u; date +%s", "gadgetflow-browser-shell");
    wait.until(d -> d.findElements(By.cssSelector("#events tbody tr.event")).size() >= 5);
    screenshot("dashboard.png");

    browser.findElement(By.id("pause")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".stats .paused")));
    browser.findElement(By.id("pause")).click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(".stats .paused")));

    browser
        .findElement(By.cssSelector("tr[data-trace='" + name + "'] button[data-operation='stop']"))
        .click();
    wait.until(stateOf(name, "Stopped"));
    assertThat(
            browser.findElements(
                By.cssSelector("tr[data-trace='" + name + "'] + tr.row-message .field-error")))
        .isEmpty();
  }

  @Test
  void theLatencyHistogramOfAProfileGadgetIsDrawnAsBars() throws Exception {
    // No profile gadget exists yet: the Trace gets the output one would write, in a namespace no
    // controller watches, so that nothing else writes its status.
    String namespace = platform.cluster.createNamespace("histogram");
    String fixture = fixture("fixtures/biolatency-status-output.json");
    Trace trace = new Trace();
    trace.setMetadata(
        new ObjectMetaBuilder().withName("biolatency").withNamespace(namespace).build());
    TraceSpec spec = new TraceSpec();
    spec.setNode(platform.node);
    spec.setGadget("biolatency");
    spec.setRunMode(RunMode.MANUAL);
    spec.setOutputMode(OutputMode.STATUS);
    trace.setSpec(spec);
    Trace created = platform.cluster.client().resource(trace).create();
    TraceStatus status = new TraceStatus();
    status.setOutput(fixture);
    created.setStatus(status);
    platform.cluster.client().resource(created).updateStatus();

    open(namespace);
    WebDriverWait wait = new WebDriverWait(browser, TIMEOUT);
    wait.until(
            ExpectedConditions.elementToBeClickable(By.cssSelector("tr[data-trace='biolatency']")))
        .click();
    List<WebElement> bars =
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#histogram rect"), 13));

    List<Integer> expected =
        new JsonObject(fixture)
            .getJsonArray("data").stream()
                .map(bin -> ((JsonObject) bin).getInteger("count"))
                .toList();
    assertThat(bars.stream().map(bar -> Integer.parseInt(bar.getDomAttribute("data-count"))))
        .containsExactlyElementsOf(expected);
    assertThat(bars.get(6).getSize().getHeight())
        .as("the most frequent interval is the tallest bar")
        .isGreaterThan(bars.get(5).getSize().getHeight());
    assertThat(browser.findElement(By.cssSelector(".histogram figcaption")).getText())
        .isEqualTo("1,874 samples by usecs interval");
    screenshot("histogram.png");
  }

  @Test
  void aCpuProfileIsATableOfItsMostSampledStacksEachOpeningOntoItsFrames() throws Exception {
    String name = "profile-" + UUID.randomUUID().toString().substring(0, 6);
    WebDriverWait wait = startFromTheForm("profile", name, Map.of("frequency", "199"));
    // Reading /dev/zero keeps dd in the kernel, in functions the node names.
    Process dd =
        new ProcessBuilder("dd", "if=/dev/zero", "of=/dev/null", "bs=64k", "count=20000")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertThat(dd.waitFor(60, TimeUnit.SECONDS)).isTrue();

    browser
        .findElement(By.cssSelector("tr[data-trace='" + name + "'] button[data-operation='stop']"))
        .click();
    wait.until(stateOf(name, "Completed"));
    browser.findElement(By.cssSelector("tr[data-trace='" + name + "']")).click();
    // Before its exec, dd's process was Java's spawn helper: rows of its pid may have that name.
    List<WebElement> ofPid =
        wait.until(
            ExpectedConditions.presenceOfAllElementsLocatedBy(
                By.cssSelector("#profile tr.stack[data-pid='" + dd.pid() + "']")));

    assertThat(ofPid).anySatisfy(row -> assertThat(row.getText()).contains(" dd ", "host"));
    assertThat(browser.findElement(By.cssSelector(".profile figcaption")).getText())
        .matches("[\\d,]+ samples in [\\d,]+ stacks, most sampled first");
    List<WebElement> rows = browser.findElements(By.cssSelector("#profile tr.stack"));
    List<Integer> counts =
        rows.stream().map(r -> Integer.parseInt(r.getDomAttribute("data-count"))).toList();
    assertThat(counts).isSortedAccordingTo((a, b) -> b - a);
    // Each dd row opens onto its stack; one of them has the kernel's read path.
    List<String> frames = new ArrayList<>();
    for (WebElement row : ofPid) {
      row.findElement(By.tagName("summary")).click();
      row.findElements(By.cssSelector("ol.frames li.kernel"))
          .forEach(frame -> frames.add(frame.getText()));
    }
    assertThat(frames).contains("vfs_read");
    screenshot("profile.png");
  }

  @Test
  void aTopGadgetsTableIsRefreshedInPlaceEveryInterval() throws Exception {
    String name = "filetop-" + UUID.randomUUID().toString().substring(0, 6);
    // Sorted by bytes written, and long, so that the known file is a row on a busy machine.
    WebDriverWait wait =
        startFromTheForm("filetop", name, Map.of("sort_by", "-wbytes", "max_rows", "500"));
    WebElement table = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("top")));
    assertThat(table.findElements(By.tagName("th")))
        .extracting(header -> header.getText().toLowerCase(java.util.Locale.ROOT))
        .startsWith("node", "namespace", "pod", "container", "pid", "tid", "comm");
    String file = "dashboard-top-" + UUID.randomUUID() + ".bin";
    Process dd =
        new ProcessBuilder(
                "dd",
                "if=/dev/zero",
                "of=" + SCREENSHOTS.toAbsolutePath().resolve(file),
                "bs=65536",
                "count=7",
                "status=none")
            .start();
    assertThat(dd.waitFor(30, TimeUnit.SECONDS)).isTrue();
    try {
      // Read in one script: the table is redrawn in place, its rows reused for the next interval.
      @SuppressWarnings("unchecked")
      List<Object> cells =
          wait.until(
              d ->
                  (List<Object>)
                      ((JavascriptExecutor) d)
                          .executeScript(
                              "const row = [...document.querySelectorAll('#top tbody tr')]"
                                  + ".find(r => [...r.cells].some(c => c.textContent === arguments[0]));"
                                  + " return row ? [...row.cells].map(c => c.textContent) : null;",
                              file));
      assertThat(cells).contains(Long.toString(dd.pid()), "dd", "R", file);
      screenshot("top.png");

      // The next intervals have no writes of the file: the same table shows it no more.
      wait.until(ExpectedConditions.not(ExpectedConditions.textToBePresentInElement(table, file)));
      assertThat(table.isDisplayed()).isTrue();
      assertThat(browser.findElement(By.id("top-updated")).getText()).startsWith("every 1s");
    } finally {
      Files.deleteIfExists(SCREENSHOTS.resolve(file));
    }

    browser
        .findElement(By.cssSelector("tr[data-trace='" + name + "'] button[data-operation='stop']"))
        .click();
    wait.until(stateOf(name, "Stopped"));
  }

  @Test
  void aSnapshotIsCollectedFromTheFormAndItsEntriesShown() throws Exception {
    String name = "processes-" + UUID.randomUUID().toString().substring(0, 6);
    // A snapshot's first and only operation is collect: the form's submission runs it.
    WebDriverWait wait = submitTheForm("process-collector", name, null);
    wait.until(stateOf(name, "Completed"));
    browser.findElement(By.cssSelector("tr[data-trace='" + name + "']")).click();
    String entries = ".status-output[data-trace='" + name + "'] table#snapshot tr.entry";
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(entries)));

    // This JVM is one of the node's processes: a row of the table, its fields in their columns.
    String pid = Long.toString(ProcessHandle.current().pid());
    assertThat(browser.findElements(By.cssSelector(entries)))
        .filteredOn(
            row -> row.findElement(By.cssSelector("td[data-field='pid']")).getText().equals(pid))
        .singleElement()
        .satisfies(
            row ->
                assertThat(row.findElement(By.cssSelector("td[data-field='comm']")).getText())
                    .isEqualTo("java"));
    screenshot("snapshot.png");
  }

  @Test
  void anAdvisorGeneratesItsSeccompProfileWhileItGoesOnRecording() throws Exception {
    String name = "advise-" + UUID.randomUUID().toString().substring(0, 6);
    WebDriverWait wait = submitTheForm("seccomp", name, "Status");
    wait.until(stateOf(name, "Started"));
    runTrue("gadgetflow-browser-seccomp-" + UUID.randomUUID());

    browser
        .findElement(
            By.cssSelector("tr[data-trace='" + name + "'] button[data-operation='generate']"))
        .click();
    WebElement output =
        wait.until(
            ExpectedConditions.presenceOfElementLocated(
                By.cssSelector(".status-output[data-trace='" + name + "'] pre")));

    JsonObject profile = new JsonObject(output.getText());
    assertThat(profile.getString("defaultAction")).isEqualTo("SCMP_ACT_ERRNO");
    assertThat(profile.getJsonArray("syscalls").getJsonObject(0).getJsonArray("names"))
        .contains("execve");
    // generate leaves the advisor recording.
    assertThat(stateOf(name, "Started").apply(browser)).isTrue();
    screenshot("advise.png");

    browser
        .findElement(By.cssSelector("tr[data-trace='" + name + "'] button[data-operation='stop']"))
        .click();
    wait.until(stateOf(name, "Stopped"));
  }

  /**
   * Opens the dashboard, starts {@code gadget} on this node from the form with these parameters
   * typed in, and waits until the Trace is {@code Started}.
   */
  private static WebDriverWait startFromTheForm(
      String gadget, String name, Map<String, String> parameters) {
    WebDriverWait wait = submitTheForm(gadget, name, null, parameters);
    wait.until(stateOf(name, "Started"));
    return wait;
  }

  private static WebDriverWait submitTheForm(String gadget, String name, String outputMode) {
    return submitTheForm(gadget, name, outputMode, Map.of());
  }

  /**
   * Opens the dashboard and submits the form for {@code gadget} on this node, with the output mode
   * chosen (when not null) and these parameters typed in.
   */
  private static WebDriverWait submitTheForm(
      String gadget, String name, String outputMode, Map<String, String> parameters) {
    open(platform.namespace);
    WebDriverWait wait = new WebDriverWait(browser, TIMEOUT);
    wait.until(
        ExpectedConditions.presenceOfElementLocated(
            By.cssSelector("#gadget option[value='" + gadget + "']")));
    new Select(browser.findElement(By.id("gadget"))).selectByValue(gadget);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("node"), platform.node));
    new Select(browser.findElement(By.id("node"))).selectByVisibleText(platform.node);
    // What an earlier test may have left typed in goes first.
    browser
        .findElement(By.id("trace-name"))
        .sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE, name);
    if (outputMode != null) {
      // The options have their value as a property, not as an attribute: chosen by their text.
      new Select(browser.findElement(By.id("output-mode"))).selectByVisibleText(outputMode);
    }
    parameters.forEach(
        (parameter, value) -> browser.findElement(By.id("parameter-" + parameter)).sendKeys(value));
    browser.findElement(By.id("start")).click();
    return wait;
  }

  /** Opens the dashboard as the person who ran it would: the printed URL, with its token. */
  private static void open(String namespace) {
    String url = platform.web.dashboardUrl();
    int fragment = url.indexOf('#');
    browser.get(url.substring(0, fragment) + "?namespace=" + namespace + url.substring(fragment));
  }

  private static ExpectedCondition<Boolean> stateOf(String name, String state) {
    return d -> {
      List<WebElement> badges =
          d.findElements(By.cssSelector("tr[data-trace='" + name + "'] .badge"));
      return !badges.isEmpty() && state.equals(badges.getFirst().getDomAttribute("data-state"));
    };
  }

  private static void screenshot(String file) throws IOException {
    byte[] png = ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES);
    Files.createDirectories(SCREENSHOTS);
    Files.write(SCREENSHOTS.resolve(file), png);
  }

  private static String fixture(String resource) throws IOException {
    try (InputStream in = DashboardBrowserIT.class.getClassLoader().getResourceAsStream(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }

  /** Runs {@code script} in sh, named {@code name} ($0), which execs a few processes. */
  private static void runShell(String script, String name) throws Exception {
    Process process = new ProcessBuilder("/bin/sh", "-c", script, name).start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  private static void runTrue(String argument) throws Exception {
    Process process = new ProcessBuilder("/bin/true", argument).start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }
}
