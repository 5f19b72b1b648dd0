package org.llmfhiradapter.survival;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tier 3: every value R's survival package wrote into {@code survival/reference/*.json} (see the
 * README there for the calls and conventions), recomputed from the file's own data and compared at
 * 1e-9 relative.
 */
class RReferenceTest {

  private static final double TOLERANCE = 1e-9;

  /**
   * The separation cases' coef/se/z/p/hr/CI/Wald/var: β ≈ 22 is where Newton happened to stop on a
   * likelihood flat to 1e-9, and se² ≈ 1/I(β) with I ≈ 2e-9 is computed by cancellation; an
   * independent implementation agrees to ~4e-7 (README). Log-likelihoods, tests, iterations and
   * warnings are still held to 1e-9.
   */
  private static final double SEPARATION_TOLERANCE = 1e-6;

  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<String> files() throws IOException, URISyntaxException {
    Path dir = Path.of(RReferenceTest.class.getResource("/survival/reference").toURI());
    try (Stream<Path> paths = Files.list(dir)) {
      List<String> names =
          paths
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".json"))
              .sorted()
              .toList();
      assertThat(names).hasSizeGreaterThanOrEqualTo(44);
      return names.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void everyValueRWroteIsReproducedFromTheFilesData(String file) throws IOException {
    JsonNode root = JSON.readTree(RReferenceTest.class.getResource("/survival/reference/" + file));
    Check check = new Check(file);
    switch (root.get("kind").asText()) {
      case "km" -> km(root, check);
      case "logrank" -> logRank(root, check);
      case "cox" ->
          cox(
              root,
              check,
              file.startsWith("cox-edge-separation") ? SEPARATION_TOLERANCE : TOLERANCE);
      case "identity" -> identity(root, check);
      case "zph" -> zph(root, check);
      case "quantile" -> quantile(root, check);
      default -> throw new AssertionError("unknown kind in " + file);
    }
    assertThat(check.compared).as("values compared").isGreaterThanOrEqualTo(3);
    assertThat(check.failures).as(file + ": values that differ from R").isEmpty();
  }

  private static void km(JsonNode root, Check check) {
    JsonNode options = root.get("options");
    JsonNode data = root.get("data");
    SurvivalData.Builder builder =
        SurvivalData.builder()
            .time(numbers(data.get(options.get("time").asText())))
            .status(numbers(data.get(options.get("event").asText())));
    if (options.has("group")) {
      builder.group(
          labels(data.get(options.get("group").asText())), texts(options.get("group_levels")));
    }
    ConfType confType = ConfType.parse(options.get("conf_type").asText());
    Map<String, KaplanMeierFit> fits =
        KaplanMeier.byGroup(builder.build(), confType, options.get("conf_int").asDouble());
    JsonNode expected = root.get("expected");
    check.equal("groups", List.copyOf(fits.keySet()), fieldNames(expected));
    fits.forEach(
        (key, fit) -> {
          JsonNode e = expected.get(key);
          String at = key + ".";
          check.exact(at + "n", fit.n(), e.get("n"));
          check.exact(at + "events", fit.events(), e.get("events"));
          List<KmStep> steps = fit.steps();
          check.equal(at + "steps", steps.size(), e.get("steps").size());
          for (int i = 0; i < Math.min(steps.size(), e.get("steps").size()); i++) {
            KmStep s = steps.get(i);
            JsonNode r = e.get("steps").get(i);
            String row = at + "steps[" + i + "].";
            check.close(row + "time", s.time(), r.get("time"), TOLERANCE);
            check.exact(row + "n_risk", s.nRisk(), r.get("n_risk"));
            check.exact(row + "n_event", s.nEvent(), r.get("n_event"));
            check.exact(row + "n_censor", s.nCensor(), r.get("n_censor"));
            check.close(row + "surv", s.surv(), r.get("surv"), TOLERANCE);
            check.close(row + "std_err", s.stdErr(), r.get("std_err"), TOLERANCE);
            check.close(row + "lower", s.lower(), r.get("lower"), TOLERANCE);
            check.close(row + "upper", s.upper(), r.get("upper"), TOLERANCE);
          }
          check.quantile(at + "median", fit.median(), e.get("median"));
          e.get("quantiles")
              .fields()
              .forEachRemaining(
                  q ->
                      check.quantile(
                          at + "quantile " + q.getKey(),
                          fit.quantile(Double.parseDouble(q.getKey())),
                          q.getValue()));
          check.quantile(
              at + "median_summary_table", fit.summaryTableMedian(), e.get("median_summary_table"));
          RestrictedMean rmean =
              options.get("rmean").isNumber()
                  ? fit.restrictedMean(options.get("rmean").asDouble())
                  : fit.restrictedMean();
          check.close(at + "rmean", rmean.estimate(), e.get("rmean").get("rmean"), TOLERANCE);
          check.close(at + "rmean.se", rmean.se(), e.get("rmean").get("se"), TOLERANCE);
          check.close(at + "rmean.tau", rmean.tau(), e.get("rmean").get("tau"), TOLERANCE);
          for (JsonNode mark : e.get("landmarks")) {
            SurvivalAt s = fit.at(mark.get("time").asDouble());
            String row = at + "landmark " + mark.get("time").asText() + ".";
            check.close(row + "surv", s.surv(), mark.get("surv"), TOLERANCE);
            check.close(row + "std_err", s.stdErr(), mark.get("std_err"), TOLERANCE);
            check.close(row + "std_err_surv", s.stdErrSurv(), mark.get("std_err_surv"), TOLERANCE);
            check.close(row + "lower", s.lower(), mark.get("lower"), TOLERANCE);
            check.close(row + "upper", s.upper(), mark.get("upper"), TOLERANCE);
            check.exact(row + "n_risk", s.nRisk(), mark.get("n_risk"));
          }
        });
  }

  private static void logRank(JsonNode root, Check check) {
    JsonNode options = root.get("options");
    JsonNode data = root.get("data");
    JsonNode e = root.get("expected");
    SurvivalData.Builder builder =
        SurvivalData.builder()
            .time(numbers(data.get(options.get("time").asText())))
            .status(numbers(data.get(options.get("event").asText())))
            .group(labels(data.get(options.get("group").asText())), texts(e.get("groups")));
    if (options.has("strata")) {
      builder.strata(labels(data.get(options.get("strata").asText())));
    }
    SurvivalData sd = builder.build();
    LogRankResult result = LogRankTest.test(sd, options.get("rho").asDouble());
    check.equal("groups", result.groups(), texts(e.get("groups")));
    check.exact("n_used", sd.n(), e.get("n_used"));
    check.exact("n_dropped", sd.dropped(), e.get("n_dropped"));
    for (int g = 0; g < result.groups().size(); g++) {
      check.exact("n[" + g + "]", result.n().get(g), e.get("n").get(g));
      check.close(
          "observed[" + g + "]", result.observed().get(g), e.get("observed").get(g), TOLERANCE);
      check.close(
          "expected[" + g + "]", result.expected().get(g), e.get("expected").get(g), TOLERANCE);
      for (int h = 0; h < result.groups().size(); h++) {
        check.close(
            "var[" + g + "][" + h + "]",
            result.variance().get(g).get(h),
            e.get("var").get(g).get(h),
            TOLERANCE);
      }
    }
    check.close("chisq", result.chisq(), e.get("chisq"), TOLERANCE);
    check.exact("df", result.df(), e.get("df"));
    check.close("p", result.p(), e.get("p"), TOLERANCE);
    check.equal("warnings", List.of(), texts(e.get("warnings")));
  }

  private static void cox(JsonNode root, Check check, double fragileTolerance) {
    JsonNode options = root.get("options");
    JsonNode e = root.get("expected");
    SurvivalData sd = coxData(root);
    CoxOptions coxOptions =
        CoxOptions.DEFAULTS
            .withTies(Ties.parse(options.get("ties").asText()))
            .withIterMax(options.get("iter_max").asInt());
    CoxFit fit = CoxModel.fit(sd, coxOptions);

    // R's variance after running out of iterations is not the inverse information (README: bug in
    // 3.5-3); the file holds the proper values at the same β under at_final_beta.
    JsonNode proper = e.has("at_final_beta") ? e.get("at_final_beta") : e;
    check.exact("n", fit.n(), e.get("n"));
    check.exact("events", fit.events(), e.get("events"));
    check.exact("n_dropped", sd.dropped(), e.get("n_dropped"));
    check.equal("terms", fit.terms().size(), e.get("terms").size());
    for (int j = 0; j < fit.terms().size(); j++) {
      CoxTerm t = fit.terms().get(j);
      JsonNode r = e.get("terms").get(j);
      JsonNode pr = proper.get("terms").get(j);
      String at = "terms[" + t.name() + "].";
      check.equal(at + "name", t.name(), r.get("name").asText());
      check.close(at + "coef", t.coef(), r.get("coef"), fragileTolerance);
      check.close(at + "hr", t.hr(), r.get("hr"), fragileTolerance);
      check.close(at + "se", t.se(), pr.get("se"), fragileTolerance);
      check.close(at + "z", t.z(), pr.get("z"), fragileTolerance);
      check.close(at + "p", t.p(), pr.get("p"), fragileTolerance);
      check.close(at + "hr_lower", t.hrLower(), pr.get("hr_lower"), fragileTolerance);
      check.close(at + "hr_upper", t.hrUpper(), pr.get("hr_upper"), fragileTolerance);
    }
    check.close("loglik_null", fit.loglikNull(), e.get("loglik_null"), TOLERANCE);
    check.close("loglik", fit.loglik(), e.get("loglik"), TOLERANCE);
    check.test("lr_test", fit.lrTest(), e.get("lr_test"), TOLERANCE);
    check.test("score_test", fit.scoreTest(), e.get("score_test"), TOLERANCE);
    check.test("wald_test", fit.waldTest(), proper.get("wald_test"), fragileTolerance);
    check.exact("iterations", fit.iterations(), e.get("iterations"));
    check.equal("converged", fit.converged(), e.get("converged").asBoolean());
    check.equal("warnings", fit.warnings(), texts(e.get("warnings")));
    JsonNode c = e.get("concordance");
    check.close("concordance", fit.concordance().estimate(), c.get("estimate"), TOLERANCE);
    check.close("concordance.se", fit.concordance().se(), c.get("se"), TOLERANCE);
    check.exact("concordant", fit.concordance().concordant(), c.get("concordant"));
    check.exact("discordant", fit.concordance().discordant(), c.get("discordant"));
    check.exact("tied_x", fit.concordance().tiedX(), c.get("tied_x"));
    check.exact("tied_y", fit.concordance().tiedY(), c.get("tied_y"));
    check.exact("tied_xy", fit.concordance().tiedXY(), c.get("tied_xy"));
    for (int i = 0; i < fit.terms().size(); i++) {
      for (int j = 0; j < fit.terms().size(); j++) {
        check.close(
            "var[" + i + "][" + j + "]",
            fit.variance().get(i).get(j),
            proper.get("var").get(i).get(j),
            fragileTolerance);
      }
    }
  }

  private static void identity(JsonNode root, Check check) {
    JsonNode options = root.get("options");
    JsonNode data = root.get("data");
    JsonNode e = root.get("expected");
    double[] time = numbers(data.get(options.get("time").asText()));
    double[] status = numbers(data.get(options.get("event").asText()));
    String group = options.get("group").asText();
    SurvivalData byGroup =
        SurvivalData.builder().time(time).status(status).group(labels(data.get(group))).build();
    SurvivalData withCovariate =
        SurvivalData.builder()
            .time(time)
            .status(status)
            .covariate(group, numbers(data.get(group)))
            .build();
    check.close(
        "logrank_chisq", LogRankTest.test(byGroup, 0).chisq(), e.get("logrank_chisq"), TOLERANCE);
    check.close(
        "cox_score_efron",
        CoxModel.fit(withCovariate, CoxOptions.DEFAULTS).scoreTest().chisq(),
        e.get("cox_score_efron"),
        TOLERANCE);
    check.close(
        "cox_score_breslow",
        CoxModel.fit(withCovariate, CoxOptions.DEFAULTS.withTies(Ties.BRESLOW)).scoreTest().chisq(),
        e.get("cox_score_breslow"),
        TOLERANCE);
  }

  private static void quantile(JsonNode root, Check check) {
    double[] x =
        java.util.Arrays.stream(numbers(root.get("data").get("x")))
            .filter(v -> !Double.isNaN(v))
            .sorted()
            .toArray();
    JsonNode e = root.get("expected");
    check.close("q25", SampleQuantile.type7(x, 0.25), e.get("q25"), TOLERANCE);
    check.close("q50", SampleQuantile.type7(x, 0.5), e.get("q50"), TOLERANCE);
    check.close("q75", SampleQuantile.type7(x, 0.75), e.get("q75"), TOLERANCE);
    check.close("median", SampleQuantile.type7(x, 0.5), e.get("median"), TOLERANCE);
  }

  private static void zph(JsonNode root, Check check) {
    JsonNode options = root.get("options");
    SurvivalData sd = coxData(root);
    CoxFit fit =
        CoxModel.fit(sd, CoxOptions.DEFAULTS.withTies(Ties.parse(options.get("ties").asText())));
    // A factor's columns (named column + level) form one term, as R's assign says.
    Map<String, int[]> terms = new LinkedHashMap<>();
    for (String covariate : texts(options.get("covariates"))) {
      List<Integer> columns = new ArrayList<>();
      for (int j = 0; j < sd.covariateNames().size(); j++) {
        String name = sd.covariateNames().get(j);
        if (name.equals(covariate)
            || isLabels(root.get("data").get(covariate)) && name.startsWith(covariate)) {
          columns.add(j);
        }
      }
      terms.put(covariate, columns.stream().mapToInt(Integer::intValue).toArray());
    }
    ProportionalHazardsTest.Result result = ProportionalHazardsTest.test(sd, fit, terms);
    List<ProportionalHazardsTest.Row> rows = result.rows();
    JsonNode table = root.get("expected").get("table");
    check.equal("rows", rows.size(), table.size());
    for (int i = 0; i < Math.min(rows.size(), table.size()); i++) {
      ProportionalHazardsTest.Row row = rows.get(i);
      JsonNode r = table.get(i);
      check.equal("table[" + i + "].term", row.term(), r.get("term").asText());
      check.close("table[" + i + "].chisq", row.chisq(), r.get("chisq"), TOLERANCE);
      check.exact("table[" + i + "].df", row.df(), r.get("df"));
      check.close("table[" + i + "].p", row.p(), r.get("p"), TOLERANCE);
    }
  }

  static SurvivalData coxData(JsonNode root) {
    JsonNode options = root.get("options");
    JsonNode data = root.get("data");
    SurvivalData.Builder builder =
        SurvivalData.builder()
            .time(numbers(data.get(options.get("time").asText())))
            .status(numbers(data.get(options.get("event").asText())));
    for (String covariate : texts(options.get("covariates"))) {
      JsonNode column = data.get(covariate);
      if (isLabels(column)) {
        // A factor in R: coded here as the adapter codes a column of labels, compared term by term.
        String reference = options.path("reference").path(covariate).asText(null);
        String[] cells = labels(column);
        FactorCoding factor = FactorCoding.of(covariate, cells, reference);
        for (String level : factor.contrasts()) {
          builder.covariate(factor.termName(level), factor.indicator(cells, level));
        }
      } else {
        builder.covariate(covariate, numbers(column));
      }
    }
    if (options.has("strata")) {
      builder.strata(labels(data.get(options.get("strata").asText())));
    }
    return builder.build();
  }

  private static boolean isLabels(JsonNode column) {
    for (JsonNode cell : column) {
      if (cell.isTextual()) {
        return true;
      }
    }
    return false;
  }

  /** A numeric data column; null (R's NA) is NaN. */
  static double[] numbers(JsonNode column) {
    double[] values = new double[column.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = column.get(i).isNull() ? Double.NaN : column.get(i).asDouble();
    }
    return values;
  }

  /** A label column (strings, or numbers written as R prints them); null is missing. */
  static String[] labels(JsonNode column) {
    String[] values = new String[column.size()];
    for (int i = 0; i < values.length; i++) {
      JsonNode v = column.get(i);
      values[i] = v.isNull() ? null : v.isNumber() ? v.numberValue().toString() : v.asText();
    }
    return values;
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /**
   * Comparisons with R's conventions: "NA" is NaN, "Inf"/"-Inf" infinities, 0 compared absolutely.
   */
  static final class Check {
    private final String file;
    final List<String> failures = new ArrayList<>();
    int compared;

    Check(String file) {
      this.file = file;
    }

    void close(String what, double actual, JsonNode expected, double tolerance) {
      compared++;
      double e = value(expected);
      boolean ok;
      if (Double.isNaN(e) || Double.isInfinite(e)) {
        ok = Double.valueOf(actual).equals(e);
      } else if (e == 0) {
        ok = Math.abs(actual) <= tolerance;
      } else {
        ok = Math.abs(actual - e) / Math.abs(e) <= tolerance;
      }
      if (!ok) {
        failures.add(what + ": R " + expected + ", Java " + actual);
      }
    }

    void exact(String what, long actual, JsonNode expected) {
      equal(what, actual, expected.asLong());
    }

    void equal(String what, Object actual, Object expected) {
      compared++;
      if (!actual.equals(expected)) {
        failures.add(what + ": R " + expected + ", Java " + actual);
      }
    }

    void quantile(String what, Quantile q, JsonNode expected) {
      close(what + ".estimate", q.estimate(), expected.get("estimate"), TOLERANCE);
      close(what + ".lower", q.lower(), expected.get("lower"), TOLERANCE);
      close(what + ".upper", q.upper(), expected.get("upper"), TOLERANCE);
    }

    void test(String what, ChiSquareTest test, JsonNode expected, double tolerance) {
      close(what + ".chisq", test.chisq(), expected.get("chisq"), tolerance);
      exact(what + ".df", test.df(), expected.get("df"));
      close(what + ".p", test.p(), expected.get("p"), tolerance);
    }

    private static double value(JsonNode node) {
      if (node.isNumber()) {
        return node.asDouble();
      }
      return switch (node.asText()) {
        case "NA" -> Double.NaN;
        case "Inf" -> Double.POSITIVE_INFINITY;
        case "-Inf" -> Double.NEGATIVE_INFINITY;
        default -> throw new AssertionError("not a number: " + node);
      };
    }
  }
}
