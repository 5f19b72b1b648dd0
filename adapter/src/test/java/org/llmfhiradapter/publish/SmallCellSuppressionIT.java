package org.llmfhiradapter.publish;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.llmfhiradapter.cli.CliRun;
import org.llmfhiradapter.conformance.ProfileValidator;
import org.llmfhiradapter.conformance.ValidationIssue;
import org.llmfhiradapter.sandbox.SandboxData;
import org.llmfhiradapter.sandbox.SandboxServer;
import org.llmfhiradapter.sandbox.SharedSandbox;

/**
 * llm.publish.min-cell-size: with strata of one to three patients in the small cohort and a minimum
 * of 4, no count below 4 appears anywhere the run writes or publishes (results.json, summary,
 * plots, MeasureReport, Group), and what is withheld is marked as withheld, never written as a
 * zero.
 */
@ExtendWith(SharedSandbox.class)
class SmallCellSuppressionIT {

  private static final int MIN = 4;
  private static final Set<String> COUNT_KEYS =
      Set.of(
          "pulled",
          "included",
          "merged_candidates",
          "n",
          "events",
          "n_known",
          "n_missing",
          "n_true",
          "n_risk",
          "count");
  private static final String CUTOFF = "2024-12-31";

  @Test
  void noCountBelowTheMinimumIsWrittenOrPublishedAndEachWithheldValueIsMarked(
      SandboxServer server, @TempDir Path out) throws Exception {
    SandboxData.resetAndSeed(server, SandboxData.FIXTURES.resolve("small"));

    CliRun run =
        CliRun.job(
            server.baseUrl(),
            out.toString(),
            "--set",
            "llm.pipeline.data-cutoff=" + CUTOFF,
            "--set",
            "llm.publish.min-cell-size=" + MIN);

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode results = new ObjectMapper().readTree(Files.readString(out.resolve("results.json")));
    List<String> small = new ArrayList<>();
    int[] withheld = {0};
    walk(results, "", small, withheld);
    assertThat(small).as("counts below " + MIN + " in results.json").isEmpty();
    assertThat(withheld[0])
        .as("the cohort has small cells, so some values are withheld")
        .isPositive();
    assertThat(results.at("/suppression/min_cell_size").asInt()).isEqualTo(MIN);

    assertThat(smallCountsInSummary(run.out()))
        .as("counts below " + MIN + " in the summary")
        .isEmpty();
    assertThat(run.out()).contains("<" + MIN, "Small cells suppressed");

    try (Stream<Path> files = Files.list(out)) {
      for (Path svg : files.filter(f -> f.toString().endsWith(".svg")).toList()) {
        assertThat(smallCountsInPlot(Files.readString(svg)))
            .as(svg.getFileName().toString())
            .isEmpty();
      }
    }

    MeasureReport report =
        (MeasureReport)
            SandboxData.client(server)
                .search()
                .byUrl(
                    "MeasureReport?identifier=http://llm-fhir-adapter.org/fhir/identifier/survival-report|llm-resected-"
                        + CUTOFF)
                .returnBundle(Bundle.class)
                .execute()
                .getEntryFirstRep()
                .getResource();
    List<String> reported = new ArrayList<>();
    int[] masked = {0};
    counts(report, "MeasureReport", reported, masked);
    assertThat(reported).as("counts below " + MIN + " in the MeasureReport").isEmpty();
    assertThat(masked[0]).as("withheld counts carry data-absent-reason masked").isPositive();
    List<ValidationIssue> issues =
        ProfileValidator.shared(FhirContext.forR4Cached())
            .validate(report, MeasureReportFactory.PROFILE);
    assertThat(issues).noneMatch(ValidationIssue::isError);
    Group group =
        SandboxData.client(server)
            .read()
            .resource(Group.class)
            .withUrl(report.getEvaluatedResourceFirstRep().getReference())
            .execute();
    assertThat(group.getQuantity()).isGreaterThanOrEqualTo(MIN);
  }

  /**
   * results.json: every count-named field, and the values of "levels" and "excluded", below the
   * minimum.
   */
  private static void walk(JsonNode node, String path, List<String> small, int[] withheld) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              field -> {
                String at = path + "/" + field.getKey();
                JsonNode value = field.getValue();
                boolean isCount =
                    COUNT_KEYS.contains(field.getKey())
                        || path.endsWith("/levels") && !value.isObject()
                        || path.endsWith("/excluded");
                if (isCount && value.isInt() && value.asInt() > 0 && value.asInt() < MIN) {
                  small.add(at + " = " + value.asInt());
                }
                if (value.isTextual() && value.asText().equals(CellSuppression.HIDDEN)) {
                  withheld[0]++;
                }
                walk(value, at, small, withheld);
              });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), path + "/" + i, small, withheld);
      }
    }
  }

  /** The summary's survival table (n and events columns) and "(n = k)". */
  private static List<String> smallCountsInSummary(String text) {
    List<String> small = new ArrayList<>();
    boolean table = false;
    for (String line : text.lines().toList()) {
      if (line.startsWith("Survival (months)")) {
        table = true;
        continue;
      }
      if (line.startsWith("Cox model")) {
        table = false;
      }
      if (table && line.length() > 56 && line.substring(45, 49).trim().matches("\\d+|<\\d+")) {
        for (String cell : List.of(line.substring(45, 49).trim(), line.substring(50, 56).trim())) {
          if (cell.matches("[1-" + (MIN - 1) + "]")) {
            small.add(line);
          }
        }
      }
      Matcher n = Pattern.compile("\\(n = (\\d+)\\)").matcher(line);
      while (n.find()) {
        if (Integer.parseInt(n.group(1)) < MIN && Integer.parseInt(n.group(1)) > 0) {
          small.add(line);
        }
      }
    }
    return small;
  }

  /** A plot's at-risk table and legend counts. */
  private static List<String> smallCountsInPlot(String svg) {
    List<String> small = new ArrayList<>();
    Matcher risk = Pattern.compile("class=\"risk\" text-anchor=\"middle\">(\\d+)<").matcher(svg);
    while (risk.find()) {
      int n = Integer.parseInt(risk.group(1));
      if (n > 0 && n < MIN) {
        small.add("at risk " + n);
      }
    }
    Matcher legend = Pattern.compile("\\(n = (\\d+)").matcher(svg);
    while (legend.find()) {
      int n = Integer.parseInt(legend.group(1));
      if (n > 0 && n < MIN) {
        small.add("legend n = " + n);
      }
    }
    return small;
  }

  /** Every population count and every whole number in an extension of the report. */
  private static void counts(Base element, String path, List<String> small, int[] masked) {
    for (var property : element.children()) {
      for (Base value : property.getValues()) {
        String at = path + "." + property.getName();
        if (value instanceof Extension extension
            && extension.getUrl().equals(MeasureReportFactory.EXT_LOGRANK)) {
          continue; // p, chi-square and degrees of freedom: no count of patients
        }
        if (value instanceof Extension extension
            && extension.getUrl().equals(MeasureReportFactory.DATA_ABSENT_REASON)) {
          masked[0]++;
        }
        if (value instanceof org.hl7.fhir.r4.model.IntegerType number
            && number.getValue() != null
            && !at.endsWith(".month")
            && number.getValue() > 0
            && number.getValue() < MIN) {
          small.add(at + " = " + number.getValue());
        }
        if (value instanceof PrimitiveType<?> primitive) {
          for (Extension extension : primitive.getExtension()) {
            if (extension.getUrl().equals(MeasureReportFactory.DATA_ABSENT_REASON)) {
              masked[0]++;
            }
          }
        } else {
          counts(value, at, small, masked);
        }
      }
    }
  }
}
