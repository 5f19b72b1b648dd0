package org.llmfhiradapter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The researchers' entry point, end to end: R's reference data in a CSV, R's values out of the
 * JSON.
 */
class AnalyzeCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void kaplanMeierByGroupInTheJsonIsWhatRWrote() throws IOException {
    JsonNode reference = reference("km-lung-sex-loglog.json");
    Path csv = csvOf(reference);

    JsonNode out =
        json(
            "--csv",
            csv.toString(),
            "--time",
            "time",
            "--event",
            "status",
            "--group",
            "sex",
            "--conf-type",
            "log-log",
            "--landmarks",
            "90,365,1100");

    SoftAssertions softly = new SoftAssertions();
    for (String level : List.of("1", "2")) {
      JsonNode expected = reference.get("expected").get(level);
      JsonNode actual = out.get("km").get(level);
      for (int i = 0; i < expected.get("steps").size(); i++) {
        for (String key :
            List.of("time", "n_risk", "n_event", "n_censor", "surv", "std_err", "lower", "upper")) {
          close(
              softly,
              level + " steps[" + i + "]." + key,
              actual.get("steps").get(i).get(key),
              expected.get("steps").get(i).get(key));
        }
      }
      softly.assertThat(actual.get("steps").size()).isEqualTo(expected.get("steps").size());
      for (String key : List.of("estimate", "lower", "upper")) {
        close(
            softly,
            level + " median." + key,
            actual.get("median").get(key),
            expected.get("median").get(key));
        close(
            softly,
            level + " q75." + key,
            actual.get("quantiles").get("0.75").get(key),
            expected.get("quantiles").get("0.75").get(key));
      }
      close(
          softly,
          level + " rmean",
          actual.get("rmean").get("rmean"),
          expected.get("rmean").get("rmean"));
      close(
          softly,
          level + " rmean se",
          actual.get("rmean").get("se"),
          expected.get("rmean").get("se"));
      JsonNode at1100 = actual.get("landmarks").get(2);
      softly.assertThat(at1100.get("n_risk").asInt()).isZero();
      close(
          softly,
          level + " landmark 1100",
          at1100.get("surv"),
          expected.get("landmarks").get(5).get("surv"));
    }
    softly.assertAll();
    assertThat(out.get("n").asInt()).isEqualTo(228);
    assertThat(out.has("logrank")).isTrue();
    assertThat(out.has("cox")).isFalse();
  }

  @Test
  void theStratifiedLogRankTestAndItsDroppedRowAreWhatRWrote() throws IOException {
    JsonNode reference = reference("logrank-lung-sex-strata-ph_ecog.json");

    JsonNode out =
        json(
            "--csv",
            csvOf(reference).toString(),
            "--time",
            "time",
            "--event",
            "status",
            "--group",
            "sex",
            "--strata",
            "ph_ecog");

    JsonNode expected = reference.get("expected");
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(out.get("n_dropped").asInt()).isEqualTo(expected.get("n_dropped").asInt());
    softly.assertThat(out.get("n").asInt()).isEqualTo(expected.get("n_used").asInt());
    for (String key : List.of("chisq", "df", "p")) {
      close(softly, key, out.get("logrank").get(key), expected.get(key));
    }
    for (int g = 0; g < 2; g++) {
      close(
          softly,
          "observed",
          out.get("logrank").get("observed").get(g),
          expected.get("observed").get(g));
      close(
          softly,
          "expected",
          out.get("logrank").get("expected").get(g),
          expected.get("expected").get(g));
    }
    softly.assertAll();
  }

  @Test
  void theCoxModelInTheJsonIsWhatRWroteWithTheSameKeys() throws IOException {
    JsonNode reference = reference("cox-lung-age-sex-ph_ecog-breslow.json");

    JsonNode cox =
        json(
                "--csv",
                csvOf(reference).toString(),
                "--time",
                "time",
                "--event",
                "status",
                "--covariates",
                "age,sex,ph_ecog",
                "--ties",
                "breslow")
            .get("cox");

    JsonNode expected = reference.get("expected");
    SoftAssertions softly = new SoftAssertions();
    coxLikeR(softly, cox, expected);
    close(softly, "loglik_null", cox.get("loglik_null"), expected.get("loglik_null"));
    close(
        softly,
        "concordance",
        cox.get("concordance").get("estimate"),
        expected.get("concordance").get("estimate"));
    softly.assertThat(cox.get("iterations").asInt()).isEqualTo(expected.get("iterations").asInt());
    softly.assertThat(cox.get("converged").asBoolean()).isTrue();
    softly.assertThat(cox.get("warnings")).isEmpty();
    softly.assertAll();
    assertThat(fieldNames(cox))
        .containsSubsequence(
            "terms",
            "loglik_null",
            "loglik",
            "lr_test",
            "wald_test",
            "score_test",
            "iterations",
            "converged",
            "concordance",
            "warnings");
  }

  @Test
  void separationIsReportedAsAWarningNotAFailure() throws IOException {
    JsonNode reference = reference("cox-edge-separation-efron.json");

    JsonNode cox =
        json(
                "--csv",
                csvOf(reference).toString(),
                "--time",
                "time",
                "--event",
                "status",
                "--covariates",
                "x")
            .get("cox");

    assertThat(cox.get("warnings").get(0).asText())
        .isEqualTo(reference.get("expected").get("warnings").get(0).asText());
    assertThat(cox.get("terms").get(0).get("hr_upper").asText()).isEqualTo("Inf");
    assertThat(cox.get("terms").get(0).get("possibly_infinite").asBoolean()).isTrue();
    assertThat(cox.get("lr_test").get("chisq").isNumber()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "cox-veteran-trt-karno-celltype-factor-efron.json",
        "cox-veteran-trt-karno-celltype-factor-ref-squamous-efron.json",
        "cox-lung-age-sex-factor-ph_ecog-efron.json"
      })
  void covariatesOfLabelsAreCodedAsRsFactorAndFitAsRFitsThem(String name) throws IOException {
    JsonNode reference = reference(name);
    JsonNode options = reference.get("options");
    List<String> args =
        new ArrayList<>(
            List.of(
                "--csv",
                csvOf(reference).toString(),
                "--time",
                "time",
                "--event",
                "status",
                "--covariates",
                String.join(",", textList(options.get("covariates")))));
    if (options.has("reference")) {
      options
          .get("reference")
          .fields()
          .forEachRemaining(
              e -> args.addAll(List.of("--reference", e.getKey() + "=" + e.getValue().asText())));
    }

    JsonNode cox = json(args.toArray(String[]::new)).get("cox");

    JsonNode expected = reference.get("expected");
    SoftAssertions softly = new SoftAssertions();
    coxLikeR(softly, cox, expected);
    softly.assertThat(cox.get("n").asInt()).isEqualTo(expected.get("n").asInt());
    softly.assertAll();
  }

  @Test
  void theProportionalHazardsCheckIsRsCoxZphWithAFactorTestedAsOneTermAndFailuresFlagged()
      throws IOException {
    JsonNode reference = reference("zph-veteran-trt-karno-celltype-factor-efron.json");

    JsonNode zph =
        json(
                "--csv",
                csvOf(reference).toString(),
                "--time",
                "time",
                "--event",
                "status",
                "--covariates",
                "trt,karno,celltype")
            .get("cox")
            .get("zph");

    JsonNode expected = reference.get("expected").get("table");
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(zph.get("table").size()).isEqualTo(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      JsonNode row = zph.get("table").get(i);
      softly.assertThat(row.get("term").asText()).isEqualTo(expected.get(i).get("term").asText());
      softly.assertThat(row.get("df").asInt()).isEqualTo(expected.get(i).get("df").asInt());
      close(softly, "zph[" + i + "].chisq", row.get("chisq"), expected.get(i).get("chisq"));
      close(softly, "zph[" + i + "].p", row.get("p"), expected.get(i).get("p"));
      softly
          .assertThat(row.get("fails").asBoolean())
          .isEqualTo(expected.get(i).get("p").asDouble() < 0.05);
    }
    softly.assertAll();
    assertThat(zph.get("table").get(1).get("fails").asBoolean())
        .as("karno fails, as R says")
        .isTrue();
  }

  @Test
  void theTextNamesEachFactorsReferenceAndItsTerms() throws IOException {
    JsonNode reference = reference("cox-veteran-trt-karno-celltype-factor-ref-squamous-efron.json");

    CliRun run =
        CliRun.of(
            "analyze",
            "--csv",
            csvOf(reference).toString(),
            "--time",
            "time",
            "--event",
            "status",
            "--covariates",
            "trt,karno,celltype",
            "--reference",
            "celltype=squamous");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains(
            "celltype: labels coded as factor(), reference squamous (terms celltypeadeno, celltypelarge, celltypesmallcell)")
        .contains("Proportional hazards check (cox.zph, transform km)")
        .containsPattern("karno +12\\.8\\d* +1 +0\\.000344\\d* +fails \\(p < 0\\.05\\)");
  }

  @Test
  void aCovariateMixingNumbersAndLabelsOrAnUnknownReferenceIsRefusedInOneLine() throws IOException {
    Path mixed = write("mixed.csv", "time,status,stage\n1,1,1\n2,0,NA\n3,1,2\n");
    Path labels = write("labels.csv", "time,status,arm,age\n1,1,a,50\n2,0,b,60\n3,1,a,70\n");
    Map<String, List<String>> cases =
        Map.of(
            "column 'stage': a covariate is numbers or labels, but it has the number on line 2 and the label 'NA' on line 3"
                + " (leave the cell empty for a missing value)",
            List.of("--csv", mixed.toString(), "--covariates", "stage"),
            "the reference level 'c' of column 'arm' is none of its labels (a, b)",
            List.of("--csv", labels.toString(), "--covariates", "arm", "--reference", "arm=c"),
            "--reference stage=...: 'stage' is not one of --covariates",
            List.of("--csv", labels.toString(), "--covariates", "arm", "--reference", "stage=1"),
            "--reference age=...: column 'age' holds numbers, not labels",
            List.of(
                "--csv", labels.toString(), "--covariates", "arm,age", "--reference", "age=50"));

    cases.forEach(
        (message, args) -> {
          List<String> all =
              new ArrayList<>(List.of("analyze", "--time", "time", "--event", "status"));
          all.addAll(args);
          CliRun run = CliRun.of(all.toArray(String[]::new));
          assertThat(run.exitCode()).as(message).isEqualTo(2);
          assertThat(run.err().lines())
              .as(message)
              .hasSize(1)
              .first()
              .asString()
              .startsWith("error: ")
              .contains(message);
        });
  }

  @Test
  void withNoEventsTheCurveIsFlatAtOneAndTheMedianNAAsRWrote() throws IOException {
    JsonNode reference = reference("km-edge-all-censored-log.json");

    JsonNode out =
        json("--csv", csvOf(reference).toString(), "--time", "time", "--event", "status");

    JsonNode expected = reference.get("expected").get("all");
    JsonNode actual = out.get("km").get("all");
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(actual.get("steps").size()).isEqualTo(expected.get("steps").size());
    for (int i = 0; i < expected.get("steps").size(); i++) {
      for (String key :
          List.of("time", "n_risk", "n_censor", "surv", "std_err", "lower", "upper")) {
        close(
            softly,
            "steps[" + i + "]." + key,
            actual.get("steps").get(i).get(key),
            expected.get("steps").get(i).get(key));
      }
    }
    for (String key : List.of("estimate", "lower", "upper")) {
      close(
          softly, "median." + key, actual.get("median").get(key), expected.get("median").get(key));
    }
    softly.assertAll();
    assertThat(out.get("events").asInt()).isZero();
  }

  @Test
  void aMedianNotReachedIsWrittenNA() throws IOException {
    Path csv = write("t.csv", "time,status\n1,1\n2,0\n3,0\n");

    JsonNode median =
        json("--csv", csv.toString(), "--time", "time", "--event", "status")
            .get("km")
            .get("all")
            .get("median");

    assertThat(median.get("estimate").asText()).isEqualTo("NA");
  }

  @Test
  void theEventValueNamesTheEventAndEverythingElseIsCensored() throws IOException {
    Path coded = write("coded.csv", "time,status\n3,2\n1,2\n2,1\n4,1\n");
    Path binary = write("binary.csv", "time,status\n3,1\n1,1\n2,0\n4,0\n");

    JsonNode a =
        json(
            "--csv", coded.toString(), "--time", "time", "--event", "status", "--event-value", "2");
    JsonNode b = json("--csv", binary.toString(), "--time", "time", "--event", "status");

    assertThat(a.get("km")).isEqualTo(b.get("km"));
    assertThat(a.get("events").asInt()).isEqualTo(2);
  }

  @Test
  void theTextReportShowsCurvesTestAndModelLikeR() throws IOException {
    JsonNode reference = reference("cox-lung-age-sex-ph_ecog-efron.json");

    CliRun run =
        CliRun.of(
            "analyze",
            "--csv",
            csvOf(reference).toString(),
            "--time",
            "time",
            "--event",
            "status",
            "--group",
            "sex",
            "--covariates",
            "age,sex,ph_ecog",
            "--landmarks",
            "365");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("n = 227, events = 164, rows dropped for a missing value: 1")
        .contains("Kaplan-Meier (95% CI, conf.type log)")
        .containsPattern("sex=1 +137 +111 +270 ")
        .contains("Survival at landmarks")
        .containsPattern("Chisq = 10\\.\\d+ on 1 degrees of freedom")
        .contains("Cox proportional hazards (ties efron): n = 227, events = 164")
        .containsPattern("ph_ecog +0\\.4637 +1\\.59")
        .contains("Likelihood ratio test = 30.5 on 3 df")
        .contains("(converged)");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void unusableInputStopsWithOneLineNamingTheProblemAndExitCodeTwo() throws IOException {
    Path letters = write("letters.csv", "time,status\n1,1\nx,0\n");
    Path censored = write("censored.csv", "time,status,age\n1,0,60\n2,0,70\n");
    Path codes = write("codes.csv", "time,status\n1,2\n");
    Map<String, List<String>> cases =
        Map.of(
            "File not found",
            List.of(
                "--csv",
                dir.resolve("absent.csv").toString(),
                "--time",
                "time",
                "--event",
                "status"),
            "has no column 'tim'; its columns are time, status",
            List.of("--csv", letters.toString(), "--time", "tim", "--event", "status"),
            "letters.csv line 3, column 'time': 'x' is not a number",
            List.of("--csv", letters.toString(), "--time", "time", "--event", "status"),
            "no events: column 'status' has no 1 among the 2 complete rows",
            List.of(
                "--csv",
                censored.toString(),
                "--time",
                "time",
                "--event",
                "status",
                "--covariates",
                "age"),
            "2 is neither 1 (event) nor 0 (censored); --event-value names the event value",
            List.of("--csv", codes.toString(), "--time", "time", "--event", "status"));

    cases.forEach(
        (message, args) -> {
          List<String> all = new ArrayList<>(List.of("analyze"));
          all.addAll(args);
          CliRun run = CliRun.of(all.toArray(String[]::new));
          assertThat(run.exitCode()).as(message).isEqualTo(2);
          assertThat(run.err().lines())
              .as(message)
              .hasSize(1)
              .first()
              .asString()
              .startsWith("error: ")
              .contains(message);
          assertThat(run.out()).isEmpty();
        });
  }

  @Test
  void benchTimesEachFitAndSaysHowMuchItAllocatesPerRow() throws IOException {
    JsonNode reference = reference("cox-lung-age-sex-ph_ecog-efron.json");

    CliRun run =
        CliRun.of(
            "analyze",
            "--csv",
            csvOf(reference).toString(),
            "--time",
            "time",
            "--event",
            "status",
            "--group",
            "sex",
            "--covariates",
            "age,ph_ecog",
            "--bench",
            "--bench-runs",
            "1",
            "--format",
            "json");

    assertThat(run.exitCode()).isZero();
    JsonNode fits = JSON.readTree(run.out()).get("bench").get("fits");
    assertThat(fieldNames(fits)).containsExactly("km", "logrank", "km+logrank", "cox");
    assertThat(fits.get("cox").get("first_s").asDouble()).isPositive();
  }

  @Test
  void plotDrawsOneCurvePerGroupWithTheLogRankPOfTheSameRun() throws Exception {
    JsonNode reference = reference("km-lung-sex-loglog.json");
    Path svg = dir.resolve("lung.svg");

    CliRun run =
        CliRun.of(
            "analyze",
            "--csv",
            csvOf(reference).toString(),
            "--time",
            "time",
            "--event",
            "status",
            "--group",
            "sex",
            "--plot",
            svg.toString(),
            "--format",
            "json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).contains("Wrote " + svg);
    String text = Files.readString(svg);
    javax.xml.parsers.DocumentBuilderFactory xml =
        javax.xml.parsers.DocumentBuilderFactory.newInstance();
    xml.setNamespaceAware(true);
    assertThat(xml.newDocumentBuilder().parse(svg.toFile()).getDocumentElement().getLocalName())
        .isEqualTo("svg");
    assertThat(text.split("class=\"curve\"")).hasSize(3);
    double p = JSON.readTree(run.out()).get("logrank").get("p").asDouble();
    assertThat(text)
        .contains(String.format(java.util.Locale.ROOT, "Log-rank p = %.4g", p))
        .contains(">1  (n = 138; median 270)")
        .contains(">2  (n = 90; median 426)");
    assertThat(text.split("<line class=\"median\""))
        .as("the 50% line and a drop line to each median")
        .hasSize(4);
  }

  @Test
  void plotOptionsSetTitleAxisBreaksAndBandsAndANameInNoKnownFormatIsRefused() throws Exception {
    JsonNode reference = reference("km-lung-sex-loglog.json");
    Path csv = csvOf(reference);
    Path svg = dir.resolve("lung-options.svg");

    CliRun run =
        CliRun.of(
            "analyze",
            "--csv",
            csv.toString(),
            "--time",
            "time",
            "--event",
            "status",
            "--group",
            "sex",
            "--plot",
            svg.toString(),
            "--plot-title",
            "Lung cancer by sex",
            "--time-unit",
            "days",
            "--plot-break",
            "250",
            "--plot-ci");

    assertThat(run.exitCode()).as(run.err()).isZero();
    String text = Files.readString(svg);
    assertThat(text).contains(">Lung cancer by sex<", ">Time (days)<");
    for (String tick : List.of("0", "250", "500", "750", "1000")) {
      assertThat(text).contains("class=\"tick\" text-anchor=\"middle\">" + tick + "<");
    }
    assertThat(text.split("class=\"band\"")).as("a band on each of the two curves").hasSize(3);

    Path jpg = dir.resolve("lung.jpg");
    CliRun refused =
        CliRun.of(
            "analyze",
            "--csv",
            csv.toString(),
            "--time",
            "time",
            "--event",
            "status",
            "--plot",
            jpg.toString());
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.err())
        .contains("--plot writes .svg, .png or .pdf, chosen by the file name; 'lung.jpg'");
    assertThat(jpg).doesNotExist();
  }

  @Test
  void plotAsPngAndPdfByTheFileName() throws Exception {
    Path csv = csvOf(reference("km-lung-sex-loglog.json"));
    Path png = dir.resolve("lung.png");
    Path pdf = dir.resolve("lung.pdf");

    for (Path plot : List.of(png, pdf)) {
      CliRun run =
          CliRun.of(
              "analyze",
              "--csv",
              csv.toString(),
              "--time",
              "time",
              "--event",
              "status",
              "--group",
              "sex",
              "--plot",
              plot.toString());
      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.err()).contains("Wrote " + plot);
    }

    assertThat(javax.imageio.ImageIO.read(png.toFile()).getWidth()).isEqualTo(2375);
    assertThat(Files.readAllBytes(pdf))
        .startsWith("%PDF-".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  @Test
  void helpDescribesTheOptions() {
    CliRun run = CliRun.of("analyze", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("--covariates=COL[,COL...]", "--event-value=V", "--conf-type", "--bench");
  }

  private JsonNode json(String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of("analyze", "--format", "json"));
    all.addAll(List.of(args));
    CliRun run = CliRun.of(all.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.err()).isZero();
    return JSON.readTree(run.out());
  }

  private static JsonNode reference(String name) throws IOException {
    return JSON.readTree(AnalyzeCommandTest.class.getResource("/survival/reference/" + name));
  }

  /** The reference file's data as a CSV: R's NA (null) as an empty cell. */
  private Path csvOf(JsonNode reference) throws IOException {
    JsonNode data = reference.get("data");
    List<String> columns = fieldNames(data);
    StringBuilder csv = new StringBuilder(String.join(",", columns)).append('\n');
    for (int i = 0; i < data.get(columns.get(0)).size(); i++) {
      List<String> cells = new ArrayList<>();
      for (String c : columns) {
        JsonNode v = data.get(c).get(i);
        cells.add(v.isNull() ? "" : v.asText());
      }
      csv.append(String.join(",", cells)).append('\n');
    }
    return write(reference.get("kind").asText() + "-data.csv", csv.toString());
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  /**
   * Every term (name, coefficient, HR, CI, p), the three tests and the log-likelihood, as R wrote
   * them.
   */
  private static void coxLikeR(SoftAssertions softly, JsonNode cox, JsonNode expected) {
    softly.assertThat(cox.get("terms").size()).isEqualTo(expected.get("terms").size());
    for (int j = 0; j < expected.get("terms").size(); j++) {
      softly
          .assertThat(cox.get("terms").get(j).get("name").asText())
          .isEqualTo(expected.get("terms").get(j).get("name").asText());
      for (String key : List.of("coef", "hr", "se", "z", "p", "hr_lower", "hr_upper")) {
        close(
            softly,
            "terms[" + j + "]." + key,
            cox.get("terms").get(j).get(key),
            expected.get("terms").get(j).get(key));
      }
    }
    for (String test : List.of("lr_test", "wald_test", "score_test")) {
      for (String key : List.of("chisq", "df", "p")) {
        close(softly, test + "." + key, cox.get(test).get(key), expected.get(test).get(key));
      }
    }
    close(softly, "loglik", cox.get("loglik"), expected.get("loglik"));
  }

  private static List<String> textList(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(v -> texts.add(v.asText()));
    return texts;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  /** At 1e-9 relative, as the engine's reference test; "NA"/"Inf" must match as text. */
  private static void close(
      SoftAssertions softly, String what, JsonNode actual, JsonNode expected) {
    if (expected.isTextual()) {
      softly.assertThat(actual.asText()).as(what).isEqualTo(expected.asText());
      return;
    }
    double e = expected.asDouble();
    double a = actual.asDouble();
    softly.assertThat(actual.isNumber()).as(what + " is a number").isTrue();
    softly
        .assertThat(e == 0 ? Math.abs(a) : Math.abs(a - e) / Math.abs(e))
        .as(what + ": " + a + " vs " + e)
        .isLessThanOrEqualTo(1e-9);
  }
}
