package org.llmfhiradapter.publish;

import static org.llmfhiradapter.analysis.SurvivalJson.number;
import static org.llmfhiradapter.analysis.SurvivalJson.proportionalHazards;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.llmfhiradapter.analysis.CoxResult;
import org.llmfhiradapter.analysis.FactorResult;
import org.llmfhiradapter.analysis.StudyAnalysis;
import org.llmfhiradapter.analysis.StudyResult;
import org.llmfhiradapter.analysis.SurvivalSummary;
import org.llmfhiradapter.analysis.VariableSummary;
import org.llmfhiradapter.cohort.Cohort;
import org.llmfhiradapter.survival.SurvivalAt;

/**
 * results.json: the run's numbers for programs. Keys are snake_case; times are months; numbers that are
 * not finite are written as the strings "NA" (not reached, not estimable) or "Inf". No patient data: only
 * counts and estimates.
 */
public final class ResultsJson {

  /** scheme://host[:port] of a base URL (the URL itself when it cannot be parsed). */
  static String origin(String baseUrl) {
    try {
      java.net.URI uri = java.net.URI.create(baseUrl);
      if (uri.getScheme() == null || uri.getHost() == null) {
        return baseUrl;
      }
      return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    } catch (IllegalArgumentException e) {
      return baseUrl;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ResultsJson() {}

  public static Map<String, Object> toMap(StudyRun run) {
    StudyResult result = run.result();
    Cohort cohort = result.cohort();
    CellSuppression hide = run.suppression();
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("cohort_name", result.cohortName());
    root.put("data_cutoff", result.dataCutoff().toString());
    root.put("adapter_version", run.lineage().adapterVersion());
    List<Map<String, Object>> sources = new ArrayList<>();
    for (SourceServer source : run.lineage().sources()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", source.name());
      entry.put("origin", origin(source.baseUrl()));
      entry.put("base_url", source.baseUrl());
      entry.put("vendor", source.vendor());
      sources.add(entry);
    }
    root.put("sources", sources);
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("pulled", hide.json(cohort.pulled()));
    counts.put("included", hide.json(cohort.included().size()));
    Map<String, Object> excluded = new LinkedHashMap<>();
    cohort.exclusionCounts().forEach((reason, n) -> excluded.put(reason, hide.json(n)));
    counts.put("excluded", excluded);
    if (cohort.mergedCandidates() > 0) {
      // Candidates that were the other half of a merged chart: one person, counted once (in pulled).
      counts.put("merged_candidates", hide.json(cohort.mergedCandidates()));
    }
    if (!cohort.unfetched().isEmpty()) {
      // Only with --allow-partial: the patients to fetch again, named so that they can be.
      List<Map<String, Object>> unfetched = new ArrayList<>();
      for (var missing : cohort.unfetched()) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("patient", "Patient/" + missing.patientId());
        entry.put("reason", missing.reason());
        unfetched.add(entry);
      }
      counts.put("unfetched", unfetched);
    }
    root.put("cohort", counts);
    if (hide.active()) {
      root.put("suppression", Map.of("min_cell_size", hide.minCellSize(), "marker", CellSuppression.HIDDEN,
          "rule", "counts of 1 to min_cell_size - 1 patients, and statistics of groups that small, are withheld"));
    }
    root.put("variables", variables(result.variables(), hide));
    root.put("os", endpoint(result.overallSurvival(), hide));
    root.put("rfs", endpoint(result.recurrenceFreeSurvival(), hide));
    root.put("factors", factors(result.factors(), hide));
    root.put("cox", cox(result.cox(), hide));
    root.put("data_quality", dataQuality(cohort, hide));
    if (run.publication() != null) {
      Map<String, Object> publication = new LinkedHashMap<>();
      publication.put("measure_report", run.publication().reportUrl());
      publication.put("created", run.publication().created());
      root.put("publication", publication);
    }
    return root;
  }

  static Map<String, Object> variables(List<VariableSummary> variables, CellSuppression hide) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (VariableSummary variable : variables) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("n_known", hide.json(variable.known()));
      entry.put("n_missing", hide.json(variable.missing()));
      if (variable.yes() != null) {
        entry.put("n_true", hide.json(variable.yes()));
      }
      if (variable.median() != null) {
        entry.put("median", hide.json(number(variable.median()), variable.known()));
        entry.put("q1", hide.json(number(variable.q1()), variable.known()));
        entry.put("q3", hide.json(number(variable.q3()), variable.known()));
      }
      if (variable.levels() != null) {
        Map<String, Object> levels = new LinkedHashMap<>();
        variable.levels().forEach((level, n) -> levels.put(level, hide.json(n)));
        entry.put("levels", levels);
      }
      map.put(variable.name(), entry);
    }
    return map;
  }

  static Map<String, Object> endpoint(SurvivalSummary summary, CellSuppression hide) {
    Map<String, Object> map = new LinkedHashMap<>();
    int n = summary.n();
    map.put("n", hide.json(n));
    map.put("events", hide.hides(n) ? CellSuppression.HIDDEN : hide.json(summary.events()));
    map.put("median", hide.json(number(summary.medianMonths()), n));
    map.put("lower", hide.json(number(summary.lowerMonths()), n));
    map.put("upper", hide.json(number(summary.upperMonths()), n));
    List<Map<String, Object>> landmarks = new ArrayList<>();
    for (int i = 0; i < summary.landmarks().size(); i++) {
      SurvivalAt at = summary.landmarks().get(i);
      Map<String, Object> landmark = new LinkedHashMap<>();
      landmark.put("months", StudyAnalysis.LANDMARK_MONTHS.get(i));
      landmark.put("surv", hide.json(number(at.surv()), n));
      landmark.put("lower", hide.json(number(at.lower()), n));
      landmark.put("upper", hide.json(number(at.upper()), n));
      landmark.put("n_risk", hide.hides(n) ? CellSuppression.HIDDEN : hide.json(at.nRisk()));
      landmarks.add(landmark);
    }
    map.put("landmarks", landmarks);
    return map;
  }

  static Map<String, Object> factors(List<FactorResult> factors, CellSuppression hide) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (FactorResult factor : factors) {
      Map<String, Object> entry = new LinkedHashMap<>();
      Map<String, Object> levels = new LinkedHashMap<>();
      for (FactorResult.Level level : factor.levels()) {
        SurvivalSummary s = level.survival();
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("n", hide.json(s.n()));
        l.put("events", hide.hides(s.n()) ? CellSuppression.HIDDEN : hide.json(s.events()));
        l.put("median", hide.json(number(s.medianMonths()), s.n()));
        l.put("lower", hide.json(number(s.lowerMonths()), s.n()));
        l.put("upper", hide.json(number(s.upperMonths()), s.n()));
        levels.put(level.level(), l);
      }
      entry.put("levels", levels);
      entry.put("n_missing", hide.json(factor.missing()));
      entry.put("logrank_p", number(factor.logRankP()));
      if (factor.logRank() != null) {
        entry.put("logrank_chisq", number(factor.logRank().chisq()));
        entry.put("logrank_df", factor.logRank().df());
        entry.put("logrank_levels", factor.testedLevels());
      }
      map.put(factor.factor(), entry);
    }
    return map;
  }

  static Map<String, Object> cox(CoxResult cox, CellSuppression hide) {
    Map<String, Object> map = new LinkedHashMap<>();
    if (cox == null) {
      map.put("terms", List.of());
      map.put("note", "not estimable: no patient with all four factors known, or no deaths among them");
      return map;
    }
    if (hide.hides(cox.n())) {
      map.put("terms", List.of());
      map.put("n", CellSuppression.HIDDEN);
      map.put("note", "suppressed: fewer than " + hide.minCellSize() + " patients with all four factors known");
      return map;
    }
    List<Map<String, Object>> terms = new ArrayList<>();
    for (CoxResult.Term term : cox.terms()) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("name", term.factor());
      t.put("level", term.level());
      t.put("reference", term.reference());
      t.put("hr", number(term.hr()));
      t.put("hr_lower", number(term.hrLower()));
      t.put("hr_upper", number(term.hrUpper()));
      t.put("p", number(term.p()));
      terms.add(t);
    }
    map.put("terms", terms);
    map.put("n", cox.n());
    map.put("events", hide.json(cox.fit().events()));
    map.put("ties", "efron");
    map.put("lr_test_p", number(cox.fit().lrTest().p()));
    map.put("converged", cox.fit().converged());
    map.put("warnings", cox.fit().warnings());
    if (cox.proportionalHazards() != null) {
      map.put("proportional_hazards",
          Map.of("method", "cox.zph, transform km", "table", proportionalHazards(cox.proportionalHazards())));
    }
    return map;
  }

  /** Validator warnings on the pulled resources, grouped by kind and counted; no patient named. */
  static List<Map<String, Object>> dataQuality(Cohort cohort, CellSuppression hide) {
    List<Map<String, Object>> notes = new ArrayList<>();
    for (Cohort.DataQualityNote note : cohort.dataQuality()) {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("profile", note.profileId());
      map.put("location", note.location());
      map.put("rule", note.rule());
      map.put("count", hide.json(note.count()));
      // Messages quote element values; on the Patient those could be identifying, so none is shown.
      map.put("example", "llm-patient".equals(note.profileId()) ? "(not shown for Patient)" : note.example());
      notes.add(map);
    }
    return notes;
  }

  public static String render(StudyRun run) {
    try {
      return JSON.writeValueAsString(toMap(run));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void write(StudyRun run, Path file) throws IOException {
    Files.writeString(file, render(run) + "\n");
  }
}
