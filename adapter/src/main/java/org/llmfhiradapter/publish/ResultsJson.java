package org.llmfhiradapter.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.llmfhiradapter.analysis.StudyResult;
import org.llmfhiradapter.analysis.SurvivalSummary;
import org.llmfhiradapter.cohort.Cohort;

/**
 * results.json: the run's numbers for programs. Keys are snake_case; times are months; numbers that are
 * not finite are written as the strings "NA" (not reached, not estimable) or "Inf". No patient data: only
 * counts and estimates.
 */
public final class ResultsJson {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ResultsJson() {}

  public static Map<String, Object> toMap(StudyRun run) {
    StudyResult result = run.result();
    Cohort cohort = result.cohort();
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("cohort_name", result.cohortName());
    root.put("data_cutoff", result.dataCutoff().toString());
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("pulled", cohort.pulled());
    counts.put("included", cohort.included().size());
    counts.put("excluded", cohort.exclusionCounts());
    root.put("cohort", counts);
    root.put("os", endpoint(result.overallSurvival()));
    root.put("data_quality", dataQuality(cohort));
    if (run.publication() != null) {
      Map<String, Object> publication = new LinkedHashMap<>();
      publication.put("measure_report", run.publication().reportUrl());
      publication.put("created", run.publication().created());
      root.put("publication", publication);
    }
    return root;
  }

  /** Validator warnings on the pulled resources, grouped by kind and counted; no patient named. */
  static java.util.List<Map<String, Object>> dataQuality(Cohort cohort) {
    java.util.List<Map<String, Object>> notes = new java.util.ArrayList<>();
    for (Cohort.DataQualityNote note : cohort.dataQuality()) {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("profile", note.profileId());
      map.put("location", note.location());
      map.put("rule", note.rule());
      map.put("count", note.count());
      // Messages quote element values; on the Patient those could be identifying, so none is shown.
      map.put("example", "llm-patient".equals(note.profileId()) ? "(not shown for Patient)" : note.example());
      notes.add(map);
    }
    return notes;
  }

  static Map<String, Object> endpoint(SurvivalSummary summary) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("n", summary.n());
    map.put("events", summary.events());
    map.put("median", number(summary.medianMonths()));
    map.put("lower", number(summary.lowerMonths()));
    map.put("upper", number(summary.upperMonths()));
    return map;
  }

  /** A finite double as is; NaN as "NA", infinities as "Inf" / "-Inf" (JSON has no such numbers). */
  public static Object number(double value) {
    if (Double.isNaN(value)) {
      return "NA";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "Inf" : "-Inf";
    }
    return value;
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
