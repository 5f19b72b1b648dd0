package org.llmfhiradapter.analysis;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.llmfhiradapter.cohort.CaseRecord;
import org.llmfhiradapter.cohort.Cohort;
import org.llmfhiradapter.survival.CoxFit;
import org.llmfhiradapter.survival.CoxModel;
import org.llmfhiradapter.survival.CoxOptions;
import org.llmfhiradapter.survival.CoxTerm;
import org.llmfhiradapter.survival.KaplanMeier;
import org.llmfhiradapter.survival.KaplanMeierFit;
import org.llmfhiradapter.survival.LogRankTest;
import org.llmfhiradapter.survival.ProportionalHazardsTest;
import org.llmfhiradapter.survival.Quantile;
import org.llmfhiradapter.survival.SurvivalAt;
import org.llmfhiradapter.survival.SurvivalData;
import org.llmfhiradapter.survival.SurvivalDataException;

/**
 * The analyze stage: the abstract's analysis of the cohort. Kaplan-Meier OS and RFS (times in
 * days), OS by each factor with the log-rank test, and a Cox model of OS on the four factors the
 * abstract's multivariable analysis names, with the favourable level of each compared to the other
 * (R0 vs not, LLM ≥ 12 months vs earlier, largest LLM < 5 cm vs larger, no RFA vs RFA).
 */
public final class StudyAnalysis {

  /** Months at which survival is reported. */
  public static final List<Integer> LANDMARK_MONTHS = List.of(12, 36, 60);

  private static final Quantile NONE = new Quantile(Double.NaN, Double.NaN, Double.NaN);

  /** The Cox model's terms: factor, the level compared, and its reference. */
  private static final List<String[]> COX_TERMS =
      List.of(
          new String[] {"primary_r0", "yes", "no"},
          new String[] {"primary_resection_to_llm_ge_12", "yes", "no"},
          new String[] {"largest_llm_lt_5cm", "yes", "no"},
          new String[] {"rfa", "no", "yes"});

  private final String cohortName;
  private final LocalDate dataCutoff;

  public StudyAnalysis(String cohortName, LocalDate dataCutoff) {
    this.cohortName = cohortName;
    this.dataCutoff = dataCutoff;
  }

  public StudyResult analyze(Cohort cohort) {
    List<CaseRecord> cases = cohort.included();
    return new StudyResult(
        cohortName,
        dataCutoff,
        cohort,
        Variables.summarize(cases),
        summary(cases, CaseRecord::osDays, CaseRecord::osEvent),
        summary(cases, CaseRecord::rfsDays, CaseRecord::rfsEvent),
        factors(cases),
        cox(cases));
  }

  static SurvivalSummary summary(
      List<CaseRecord> cases, Function<CaseRecord, Integer> days, Predicate<CaseRecord> event) {
    if (cases.isEmpty()) {
      return new SurvivalSummary(0, 0, NONE, List.of(), Double.NaN, List.of());
    }
    double[] time = new double[cases.size()];
    boolean[] status = new boolean[cases.size()];
    for (int i = 0; i < cases.size(); i++) {
      time[i] = days.apply(cases.get(i));
      status[i] = event.test(cases.get(i));
    }
    KaplanMeierFit fit = KaplanMeier.fit(time, status);
    List<SurvivalAt> landmarks = new ArrayList<>();
    for (int months : LANDMARK_MONTHS) {
      landmarks.add(fit.at(months * CaseRecord.DAYS_PER_MONTH));
    }
    double longest = java.util.Arrays.stream(time).max().orElse(Double.NaN);
    return new SurvivalSummary(
        fit.n(), fit.events(), fit.median(), landmarks, longest, fit.steps());
  }

  private static List<FactorResult> factors(List<CaseRecord> cases) {
    List<FactorResult> results = new ArrayList<>();
    for (StudyFactor factor : StudyFactor.values()) {
      results.add(factor(factor, cases));
    }
    return results;
  }

  static FactorResult factor(StudyFactor factor, List<CaseRecord> cases) {
    List<FactorResult.Level> levels = new ArrayList<>();
    int missing = 0;
    for (CaseRecord record : cases) {
      if (factor.appliesTo(record) && factor.levelOf(record) == null) {
        missing++;
      }
    }
    for (String level : factor.levels()) {
      List<CaseRecord> inLevel =
          cases.stream().filter(c -> level.equals(factor.levelOf(c))).toList();
      if (!inLevel.isEmpty()) {
        levels.add(
            new FactorResult.Level(
                level, summary(inLevel, CaseRecord::osDays, CaseRecord::osEvent)));
      }
    }
    // The abstract compares recurrence patterns among the patients who recurred.
    List<String> tested =
        levels.stream()
            .map(FactorResult.Level::level)
            .filter(l -> factor != StudyFactor.RECURRENCE_PATTERN || !l.equals("none"))
            .toList();
    if (tested.size() < 2) {
      return new FactorResult(factor.code(), levels, null, tested, missing);
    }
    List<CaseRecord> compared =
        cases.stream().filter(c -> tested.contains(factor.levelOf(c))).toList();
    double[] time = compared.stream().mapToDouble(CaseRecord::osDays).toArray();
    boolean[] event = new boolean[compared.size()];
    String[] group = new String[compared.size()];
    for (int i = 0; i < compared.size(); i++) {
      event[i] = compared.get(i).osEvent();
      group[i] = factor.levelOf(compared.get(i));
    }
    SurvivalData data = SurvivalData.builder().time(time).event(event).group(group, tested).build();
    try {
      return new FactorResult(factor.code(), levels, LogRankTest.test(data, 0), tested, missing);
    } catch (SurvivalDataException e) {
      // A singular variance (every death with a single group at risk) leaves the test undefined.
      return new FactorResult(factor.code(), levels, null, tested, missing);
    }
  }

  static CoxResult cox(List<CaseRecord> cases) {
    SurvivalData.Builder data =
        SurvivalData.builder()
            .time(cases.stream().mapToDouble(CaseRecord::osDays).toArray())
            .event(toArray(cases, CaseRecord::osEvent));
    for (String[] term : COX_TERMS) {
      StudyFactor factor = StudyFactor.byCode(term[0]).orElseThrow();
      double[] values = new double[cases.size()];
      for (int i = 0; i < cases.size(); i++) {
        String level = factor.levelOf(cases.get(i));
        values[i] = level == null ? Double.NaN : level.equals(term[1]) ? 1 : 0;
      }
      data.covariate(term[0], values);
    }
    try {
      SurvivalData complete = data.build();
      if (complete.n() == 0 || complete.events() == 0) {
        return null;
      }
      CoxFit fit = CoxModel.fit(complete, CoxOptions.DEFAULTS);
      List<CoxResult.Term> terms = new ArrayList<>();
      for (int i = 0; i < COX_TERMS.size(); i++) {
        CoxTerm t = fit.terms().get(i);
        String[] term = COX_TERMS.get(i);
        terms.add(
            new CoxResult.Term(
                term[0],
                term[1],
                term[2],
                t.hr(),
                t.hrLower(),
                t.hrUpper(),
                t.p(),
                t.possiblyInfinite()));
      }
      ProportionalHazardsTest.Result zph;
      try {
        zph = ProportionalHazardsTest.test(complete, fit);
      } catch (SurvivalDataException e) {
        zph = null;
      }
      return new CoxResult(terms, fit, complete.n(), zph);
    } catch (SurvivalDataException e) {
      return null;
    }
  }

  private static boolean[] toArray(List<CaseRecord> cases, Predicate<CaseRecord> value) {
    boolean[] values = new boolean[cases.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = value.test(cases.get(i));
    }
    return values;
  }
}
