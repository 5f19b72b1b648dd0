package org.llmfhiradapter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, in-process: its own embedded server seeded with the paper's synthetic
 * cohort, the whole job over HTTP, and the abstract's table out of results.json.
 */
class DemoCommandIT {

  /**
   * Kaplan-Meier medians (months) the abstract reports; each must come out within 1.5 months, as
   * the paper cohort's generator promises (fixtures/paper/README.md).
   */
  private static final Map<String, Double> MEDIANS =
      Map.ofEntries(
          Map.entry("/os/median", 62.0),
          Map.entry("/rfs/median", 10.0),
          Map.entry("/factors/primary_r0/levels/yes/median", 69.0),
          Map.entry("/factors/primary_r0/levels/no/median", 38.0),
          Map.entry("/factors/primary_resection_to_llm_ge_12/levels/yes/median", 69.0),
          Map.entry("/factors/primary_resection_to_llm_ge_12/levels/no/median", 34.0),
          Map.entry("/factors/largest_llm_lt_5cm/levels/yes/median", 69.0),
          Map.entry("/factors/largest_llm_lt_5cm/levels/no/median", 25.0),
          Map.entry("/factors/rfa/levels/no/median", 69.0),
          Map.entry("/factors/rfa/levels/yes/median", 31.0),
          Map.entry("/factors/chemo_response/levels/responded/median", 64.0),
          Map.entry("/factors/chemo_response/levels/stable/median", 34.0),
          Map.entry("/factors/chemo_response/levels/progressed/median", 55.0),
          Map.entry("/factors/recurrence_pattern/levels/liver-and-other/median", 34.0),
          Map.entry("/factors/recurrence_pattern/levels/lung-only/median", 68.0),
          Map.entry("/factors/recurrence_pattern/levels/liver-only/median", 74.0),
          Map.entry("/factors/recurrence_pattern/levels/other-without-liver/median", 69.0));

  @Test
  void demoReproducesTheAbstractFromFhirOnItsEmbeddedServer(@TempDir Path out) throws Exception {
    CliRun run =
        CliRun.of(
            "demo",
            "--out",
            out.toString(),
            "--set",
            "llm.pipeline.routes=../routes",
            "--set",
            "llm.sandbox.fixtures=../fixtures/paper",
            "--plot-format",
            "svg,pdf");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err())
        .contains("Embedded FHIR server ready at http://127.0.0.1:")
        .contains("SYNTHETIC");
    assertThat(run.out())
        .contains("Patients pulled: 54, included: 54, excluded: 0")
        .contains("MeasureReport created");
    JsonNode r = new ObjectMapper().readTree(Files.readString(out.resolve("results.json")));

    // Counts, exact, with the abstract's denominators (one patient lacks lesion count and extent).
    assertThat(r.at("/variables/sex/levels/male").asInt()).isEqualTo(10);
    assertThat(r.at("/variables/sex/levels/female").asInt()).isEqualTo(44);
    assertThat(r.at("/variables/age_years/median").asDouble()).isEqualTo(62.5);
    assertYes(r, "primary_r0", 45, 54);
    assertThat(r.at("/variables/dx_to_llm_months/median").asDouble()).isCloseTo(19.0, within(0.05));
    assertYes(r, "synchronous", 13, 54);
    assertThat(r.at("/variables/largest_llm_cm/median").asDouble()).isEqualTo(3.0);
    assertYes(r, "largest_llm_lt_5cm", 42, 54);
    assertYes(r, "multiple_llm", 24, 53);
    assertYes(r, "neoadjuvant_chemo", 30, 54);
    assertThat(r.at("/variables/chemo_response/levels/responded").asInt()).isEqualTo(17);
    assertThat(r.at("/variables/chemo_response/levels/stable").asInt()).isEqualTo(8);
    assertThat(r.at("/variables/chemo_response/levels/progressed").asInt()).isEqualTo(5);
    assertYes(r, "major_hepatectomy", 17, 53);
    assertYes(r, "rfa", 11, 54);
    assertYes(r, "recurred", 50, 54);
    assertThat(r.at("/variables/recurrence_pattern/levels/liver-and-other").asInt()).isEqualTo(9);
    assertThat(r.at("/variables/recurrence_pattern/levels/lung-only").asInt()).isEqualTo(13);
    assertThat(r.at("/variables/recurrence_pattern/levels/liver-only").asInt()).isEqualTo(17);
    assertThat(r.at("/variables/recurrence_pattern/levels/other-without-liver").asInt())
        .isEqualTo(11);

    // Kaplan-Meier medians within 1.5 months, and the same significance pattern.
    MEDIANS.forEach(
        (pointer, months) ->
            assertThat(r.at(pointer).asDouble()).as(pointer).isCloseTo(months, within(1.5)));
    for (String factor :
        List.of(
            "primary_r0",
            "primary_resection_to_llm_ge_12",
            "largest_llm_lt_5cm",
            "rfa",
            "chemo_response",
            "recurrence_pattern")) {
      assertThat(r.at("/factors/" + factor + "/logrank_p").asDouble()).as(factor).isLessThan(0.05);
    }
    JsonNode r0 = term(r, "primary_r0");
    assertThat(r0.get("hr").asDouble()).isBetween(0.2, 0.45);
    assertThat(r0.get("p").asDouble()).isLessThan(0.05);
    JsonNode noRfa = term(r, "rfa");
    assertThat(noRfa.get("level").asText()).isEqualTo("no");
    assertThat(noRfa.get("hr").asDouble()).isLessThan(0.3);
    assertThat(noRfa.get("p").asDouble()).isBetween(0.05, 0.2);

    // The plots draw the same result: OS and RFS, and OS by each factor with its log-rank p.
    assertThat(Files.readString(out.resolve("km-os.svg")))
        .contains(
            String.format(java.util.Locale.ROOT, "median %.1f mo", r.at("/os/median").asDouble()));
    for (String factor :
        List.of(
            "primary_r0",
            "primary_resection_to_llm_ge_12",
            "largest_llm_lt_5cm",
            "rfa",
            "chemo_response",
            "recurrence_pattern")) {
      String plot = Files.readString(out.resolve("km-os-" + factor.replace('_', '-') + ".svg"));
      double p = r.at("/factors/" + factor + "/logrank_p").asDouble();
      assertThat(plot)
          .as(factor)
          .contains(
              p < 0.001
                  ? "Log-rank p &lt; 0.001"
                  : String.format(java.util.Locale.ROOT, "Log-rank p = %.3f", p));
    }
    assertThat(out.resolve("km-rfs.svg")).exists();
    assertThat(out.resolve("km-rfs.pdf")).as("--plot-format svg,pdf").exists();
    assertThat(run.out()).contains("km-*.svg, " + out.resolve("km-*.pdf"));
    assertThat(Files.readString(out.resolve("km-os-primary-r0.svg")))
        .contains(">R0  (n = 45;")
        .contains(">R1/R2  (n = 9;");

    // The de-identified table has no dates or identifiers, and reads into analyze with the same OS
    // median.
    String cohort = Files.readString(out.resolve("cohort.csv"));
    assertThat(cohort.lines()).hasSize(55);
    assertThat(cohort).doesNotContainPattern("\\d{4}-\\d{2}-\\d{2}").doesNotContain("paper-");
    CliRun analyze =
        CliRun.of(
            "analyze",
            "--csv",
            out.resolve("cohort.csv").toString(),
            "--time",
            "os_months",
            "--event",
            "os_event",
            "--format",
            "json");
    assertThat(new ObjectMapper().readTree(analyze.out()).at("/km/all/median/estimate").asDouble())
        .isCloseTo(r.at("/os/median").asDouble(), within(0.001));
  }

  @Test
  void aMissingFixtureFolderIsOneClearLineNotAStackTrace() {
    CliRun run = CliRun.of("demo", "--fixtures", "no-such-folder");

    assertThat(run.exitCode()).as("a bad setting").isEqualTo(2);
    assertThat(run.err())
        .contains("error: Fixture folder no-such-folder does not exist")
        .doesNotContain("Starting the embedded FHIR server")
        .doesNotContain("\tat ");
  }

  private static void assertYes(JsonNode r, String variable, int yes, int known) {
    assertThat(r.at("/variables/" + variable + "/n_true").asInt()).as(variable).isEqualTo(yes);
    assertThat(r.at("/variables/" + variable + "/n_known").asInt())
        .as(variable + " known")
        .isEqualTo(known);
  }

  private static JsonNode term(JsonNode r, String factor) {
    for (JsonNode term : r.at("/cox/terms")) {
      if (term.get("name").asText().equals(factor)) {
        return term;
      }
    }
    throw new AssertionError("no Cox term " + factor);
  }
}
