package org.llmfhiradapter.publish;

import static com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
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
import org.llmfhiradapter.analysis.SurvivalJson;
import org.llmfhiradapter.analysis.SurvivalSummary;
import org.llmfhiradapter.analysis.VariableSummary;
import org.llmfhiradapter.cohort.Cohort;
import org.llmfhiradapter.survival.SurvivalAt;

/**
 * results.json: the run's numbers for programs. Keys are snake_case; times are months; numbers that
 * are not finite are written as the strings "NA" (not reached, not estimable) or "Inf". No patient
 * data: only counts and estimates.
 */
public final class ResultsJson {

  /** scheme://host[:port] of a base URL (the URL itself when it cannot be parsed). */
  static String origin(String baseUrl) {
    try {
      java.net.URI uri = java.net.URI.create(baseUrl);
      if (uri.getScheme() == null || uri.getHost() == null) {
        return baseUrl;
      }
      return uri.getScheme()
          + "://"
          + uri.getHost()
          + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    } catch (IllegalArgumentException e) {
      return baseUrl;
    }
  }

  private ResultsJson() {}

  // --- the document
  // ------------------------------------------------------------------------------------------------
  // A count or a statistic that suppression may withhold is an Object: the number, or
  // CellSuppression.HIDDEN.

  /** results.json. */
  public record Results(
      String cohortName,
      String dataCutoff,
      String adapterVersion,
      List<Source> sources,
      Counts cohort,
      @JsonInclude(NON_NULL) Suppression suppression,
      Map<String, Variable> variables,
      Endpoint os,
      Endpoint rfs,
      Map<String, Factor> factors,
      Cox cox,
      List<QualityNote> dataQuality,
      @JsonInclude(NON_NULL) Published publication) {}

  public record Source(String name, String origin, String baseUrl, String vendor) {}

  /**
   * @param mergedCandidates candidates that were the other half of a merged chart: one person,
   *     counted once (in pulled); left out when there are none
   * @param unfetched only with --allow-partial: the patients to fetch again, named so that they can
   *     be
   */
  public record Counts(
      Object pulled,
      Object included,
      Map<String, Object> excluded,
      @JsonInclude(NON_NULL) Object mergedCandidates,
      @JsonInclude(NON_NULL) List<Unfetched> unfetched) {}

  public record Unfetched(String patient, String reason) {}

  public record Suppression(int minCellSize, String marker, String rule) {}

  public record Variable(
      Object nKnown,
      Object nMissing,
      @JsonInclude(NON_NULL) Object nTrue,
      @JsonInclude(NON_NULL) Object median,
      @JsonInclude(NON_NULL) Object q1,
      @JsonInclude(NON_NULL) Object q3,
      @JsonInclude(NON_NULL) Map<String, Object> levels) {}

  public record Endpoint(
      Object n,
      Object events,
      Object median,
      Object lower,
      Object upper,
      List<Landmark> landmarks) {}

  public record Landmark(int months, Object surv, Object lower, Object upper, Object nRisk) {}

  public record Level(Object n, Object events, Object median, Object lower, Object upper) {}

  /**
   * A factor's curves and log-rank test; the test's details are left out when fewer than two levels
   * have patients.
   */
  public record Factor(
      Map<String, Level> levels,
      Object nMissing,
      double logrankP,
      @JsonInclude(NON_NULL) Double logrankChisq,
      @JsonInclude(NON_NULL) Integer logrankDf,
      @JsonInclude(NON_NULL) List<String> logrankLevels) {}

  /**
   * The Cox model; when it is not estimable or suppressed, only the terms (none), n if suppressed,
   * and a note.
   */
  @JsonInclude(NON_NULL)
  public record Cox(
      List<Term> terms,
      Object n,
      Object events,
      String ties,
      Double lrTestP,
      Boolean converged,
      List<String> warnings,
      ProportionalHazards proportionalHazards,
      String note) {}

  public record Term(
      String name,
      String level,
      String reference,
      double hr,
      double hrLower,
      double hrUpper,
      double p) {}

  public record ProportionalHazards(String method, List<SurvivalJson.ZphRow> table) {}

  public record QualityNote(
      String profile, String location, String rule, Object count, String example) {}

  public record Published(String measureReport, boolean created) {}

  // --- from a run
  // ---------------------------------------------------------------------------------------------------

  public static Results of(StudyRun run) {
    StudyResult result = run.result();
    Cohort cohort = result.cohort();
    CellSuppression hide = run.suppression();
    List<Source> sources =
        run.lineage().sources().stream()
            .map(
                source ->
                    new Source(
                        source.name(), origin(source.baseUrl()), source.baseUrl(), source.vendor()))
            .toList();
    Map<String, Object> excluded = new LinkedHashMap<>();
    cohort.exclusionCounts().forEach((reason, n) -> excluded.put(reason, hide.json(n)));
    Counts counts =
        new Counts(
            hide.json(cohort.pulled()),
            hide.json(cohort.included().size()),
            excluded,
            cohort.mergedCandidates() > 0 ? hide.json(cohort.mergedCandidates()) : null,
            cohort.unfetched().isEmpty()
                ? null
                : cohort.unfetched().stream()
                    .map(m -> new Unfetched("Patient/" + m.patientId(), m.reason()))
                    .toList());
    Suppression suppression =
        hide.active()
            ? new Suppression(
                hide.minCellSize(),
                CellSuppression.HIDDEN,
                "counts of 1 to min_cell_size - 1 patients, and statistics of groups that small, are withheld")
            : null;
    Published publication =
        run.publication() == null
            ? null
            : new Published(run.publication().reportUrl(), run.publication().created());
    return new Results(
        result.cohortName(),
        result.dataCutoff().toString(),
        run.lineage().adapterVersion(),
        sources,
        counts,
        suppression,
        variables(result.variables(), hide),
        endpoint(result.overallSurvival(), hide),
        endpoint(result.recurrenceFreeSurvival(), hide),
        factors(result.factors(), hide),
        cox(result.cox(), hide),
        dataQuality(cohort, hide),
        publication);
  }

  static Map<String, Variable> variables(List<VariableSummary> variables, CellSuppression hide) {
    Map<String, Variable> map = new LinkedHashMap<>();
    for (VariableSummary variable : variables) {
      boolean numeric = variable.median() != null;
      Map<String, Object> levels = null;
      if (variable.levels() != null) {
        levels = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> level : variable.levels().entrySet()) {
          levels.put(level.getKey(), hide.json(level.getValue()));
        }
      }
      map.put(
          variable.name(),
          new Variable(
              hide.json(variable.known()),
              hide.json(variable.missing()),
              variable.yes() == null ? null : hide.json(variable.yes()),
              numeric ? hide.json(variable.median(), variable.known()) : null,
              numeric ? hide.json(variable.q1(), variable.known()) : null,
              numeric ? hide.json(variable.q3(), variable.known()) : null,
              levels));
    }
    return map;
  }

  static Endpoint endpoint(SurvivalSummary summary, CellSuppression hide) {
    int n = summary.n();
    List<Landmark> landmarks = new ArrayList<>();
    for (int i = 0; i < summary.landmarks().size(); i++) {
      SurvivalAt at = summary.landmarks().get(i);
      landmarks.add(
          new Landmark(
              StudyAnalysis.LANDMARK_MONTHS.get(i),
              hide.json(at.surv(), n),
              hide.json(at.lower(), n),
              hide.json(at.upper(), n),
              hide.hides(n) ? CellSuppression.HIDDEN : hide.json(at.nRisk())));
    }
    return new Endpoint(
        hide.json(n),
        hide.hides(n) ? CellSuppression.HIDDEN : hide.json(summary.events()),
        hide.json(summary.medianMonths(), n),
        hide.json(summary.lowerMonths(), n),
        hide.json(summary.upperMonths(), n),
        landmarks);
  }

  static Map<String, Factor> factors(List<FactorResult> factors, CellSuppression hide) {
    Map<String, Factor> map = new LinkedHashMap<>();
    for (FactorResult factor : factors) {
      Map<String, Level> levels = new LinkedHashMap<>();
      for (FactorResult.Level level : factor.levels()) {
        SurvivalSummary s = level.survival();
        levels.put(
            level.level(),
            new Level(
                hide.json(s.n()),
                hide.hides(s.n()) ? CellSuppression.HIDDEN : hide.json(s.events()),
                hide.json(s.medianMonths(), s.n()),
                hide.json(s.lowerMonths(), s.n()),
                hide.json(s.upperMonths(), s.n())));
      }
      boolean tested = factor.logRank() != null;
      map.put(
          factor.factor(),
          new Factor(
              levels,
              hide.json(factor.missing()),
              factor.logRankP(),
              tested ? factor.logRank().chisq() : null,
              tested ? factor.logRank().df() : null,
              tested ? factor.testedLevels() : null));
    }
    return map;
  }

  static Cox cox(CoxResult cox, CellSuppression hide) {
    if (cox == null) {
      return new Cox(
          List.of(),
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          "not estimable: no patient with all four factors known, or no deaths among them");
    }
    if (hide.hides(cox.n())) {
      return new Cox(
          List.of(),
          CellSuppression.HIDDEN,
          null,
          null,
          null,
          null,
          null,
          null,
          "suppressed: fewer than " + hide.minCellSize() + " patients with all four factors known");
    }
    List<Term> terms =
        cox.terms().stream()
            .map(
                t ->
                    new Term(
                        t.factor(),
                        t.level(),
                        t.reference(),
                        t.hr(),
                        t.hrLower(),
                        t.hrUpper(),
                        t.p()))
            .toList();
    ProportionalHazards zph =
        cox.proportionalHazards() == null
            ? null
            : new ProportionalHazards(
                "cox.zph, transform km",
                SurvivalJson.proportionalHazards(cox.proportionalHazards()));
    return new Cox(
        terms,
        cox.n(),
        hide.json(cox.fit().events()),
        "efron",
        cox.fit().lrTest().p(),
        cox.fit().converged(),
        cox.fit().warnings(),
        zph,
        null);
  }

  /** Validator warnings on the pulled resources, grouped by kind and counted; no patient named. */
  static List<QualityNote> dataQuality(Cohort cohort, CellSuppression hide) {
    return cohort.dataQuality().stream()
        .map(
            note ->
                new QualityNote(
                    note.profileId(),
                    note.location(),
                    note.rule(),
                    hide.json(note.count()),
                    // Messages quote element values; on the Patient those could be identifying, so
                    // none is shown.
                    "llm-patient".equals(note.profileId())
                        ? "(not shown for Patient)"
                        : note.example()))
        .toList();
  }

  public static String render(StudyRun run) {
    return SurvivalJson.write(of(run));
  }

  public static void write(StudyRun run, Path file) throws IOException {
    Files.writeString(file, render(run) + "\n");
  }
}
