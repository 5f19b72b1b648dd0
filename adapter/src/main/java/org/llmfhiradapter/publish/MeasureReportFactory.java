package org.llmfhiradapter.publish;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.MeasureReport.MeasureReportGroupComponent;
import org.hl7.fhir.r4.model.MeasureReport.MeasureReportGroupPopulationComponent;
import org.hl7.fhir.r4.model.MeasureReport.MeasureReportGroupStratifierComponent;
import org.hl7.fhir.r4.model.MeasureReport.StratifierGroupComponent;
import org.hl7.fhir.r4.model.PositiveIntType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.UnsignedIntType;
import org.llmfhiradapter.analysis.CoxResult;
import org.llmfhiradapter.analysis.FactorResult;
import org.llmfhiradapter.analysis.StudyAnalysis;
import org.llmfhiradapter.analysis.StudyResult;
import org.llmfhiradapter.analysis.SurvivalSummary;
import org.llmfhiradapter.cohort.CaseRecord;
import org.llmfhiradapter.config.AdapterConfig;
import org.llmfhiradapter.conformance.ProfilePackage;
import org.llmfhiradapter.survival.SurvivalAt;

/**
 * Builds the survival MeasureReport of a run (profile llm-survival-measurereport; the
 * representation is explained in docs/decisions.md). One group per endpoint: populations,
 * measureScore = Kaplan-Meier median in months (UCUM {@code mo}; a median not reached is {@code >}
 * the longest follow-up), its 95% CI, events and censored, survival at 12/36/60 months; on overall
 * survival one stratifier per factor with the log-rank test, a stratum per level, and the Cox
 * model's terms.
 */
public final class MeasureReportFactory {

  static final String BASE = ProfilePackage.CANONICAL + "/StructureDefinition/";
  public static final String PROFILE = BASE + "llm-survival-measurereport";
  static final String EXT_MEDIAN_CI = BASE + "llm-median-ci";
  static final String EXT_EVENTS = BASE + "llm-events";
  static final String EXT_CENSORED = BASE + "llm-censored";
  static final String EXT_SURVIVAL_AT = BASE + "llm-survival-at";
  static final String EXT_LOGRANK = BASE + "llm-logrank-p";
  static final String EXT_COX_TERM = BASE + "llm-cox-term";
  public static final String ENDPOINT_SYSTEM =
      ProfilePackage.CANONICAL + "/CodeSystem/llm-survival-endpoint";
  static final String FACTOR_SYSTEM = ProfilePackage.CANONICAL + "/CodeSystem/llm-cohort-factor";
  static final String POPULATION_SYSTEM =
      "http://terminology.hl7.org/CodeSystem/measure-population";
  static final String UCUM = "http://unitsofmeasure.org";

  /** On a value withheld by small-cell suppression: data-absent-reason "masked" (never a zero). */
  static final String DATA_ABSENT_REASON =
      "http://hl7.org/fhir/StructureDefinition/data-absent-reason";

  /**
   * Significant digits kept in the report's decimals: far beyond any clinical meaning, and unlike a
   * fixed number of decimals it keeps a tiny hazard ratio (separation) positive.
   */
  static final int DIGITS = 10;

  private final AdapterConfig.Publish config;
  private final String measureVersion;
  private final CellSuppression hide;

  public MeasureReportFactory(AdapterConfig.Publish config, String measureVersion) {
    this.config = config;
    this.measureVersion = measureVersion;
    this.hide = new CellSuppression(config.minCellSize());
  }

  /** Which small counts the report withholds. */
  public CellSuppression suppression() {
    return hide;
  }

  /** The report's stable identifier value: cohort name and data cut-off. */
  public String identifierValue(StudyResult result) {
    return result.cohortName() + "-" + result.dataCutoff();
  }

  /**
   * @param cohortGroup reference to the FHIR Group of the included patients (may be a transaction's
   *     {@code urn:uuid:})
   */
  public MeasureReport build(StudyResult result, String cohortGroup) {
    MeasureReport report = new MeasureReport();
    report.getMeta().addProfile(PROFILE);
    report.addIdentifier().setSystem(config.identifierSystem()).setValue(identifierValue(result));
    report.setStatus(MeasureReport.MeasureReportStatus.COMPLETE);
    report.setType(MeasureReport.MeasureReportType.SUMMARY);
    report.setMeasure(config.measureUrl() + (measureVersion == null ? "" : "|" + measureVersion));
    // To the millisecond: it tells this run's report from another's when an answer is lost
    // (publisher).
    report.setDateElement(new DateTimeType(new Date(), TemporalPrecisionEnum.MILLI));
    // The period is the study's: its configured start, else the year of the first resection. The
    // day of the first resection would be one patient's surgery date in a published aggregate.
    report.getPeriod().setEndElement(new DateTimeType(result.dataCutoff().toString()));
    if (!config.studyStart().isEmpty()) {
      report.getPeriod().setStartElement(new DateTimeType(config.studyStart()));
    } else {
      result.cohort().included().stream()
          .map(CaseRecord::indexDate)
          .min(Comparator.naturalOrder())
          .ifPresent(
              first ->
                  report
                      .getPeriod()
                      .setStartElement(new DateTimeType(String.valueOf(first.getYear()))));
    }
    if (cohortGroup != null) {
      report.addEvaluatedResource(new Reference(cohortGroup));
    }
    MeasureReportGroupComponent os =
        group(
            report,
            "overall-survival",
            "Overall survival from the hepatic resection",
            result.overallSurvival());
    for (FactorResult factor : result.factors()) {
      stratifier(os, factor);
    }
    if (result.cox() != null && !hide.hides(result.cox().n())) {
      for (CoxResult.Term term : result.cox().terms()) {
        // A hazard ratio of exactly 0 or infinity (separation) cannot be written; the CI shows it
        // instead.
        if (positive(term.hr())) {
          os.addExtension(coxTerm(term));
        }
      }
    }
    group(
        report,
        "recurrence-free-survival",
        "Recurrence-free survival from the hepatic resection",
        result.recurrenceFreeSurvival());
    return report;
  }

  private MeasureReportGroupComponent group(
      MeasureReport report, String code, String display, SurvivalSummary summary) {
    MeasureReportGroupComponent group = report.addGroup();
    group.setCode(new CodeableConcept(new Coding(ENDPOINT_SYSTEM, code, display)));
    group.addPopulation(population("initial-population", summary.n()));
    group.addPopulation(population("measure-population", summary.n()));
    group.addPopulation(population("measure-population-exclusion", 0));
    group.addPopulation(population("measure-observation", summary.n()));
    group.setMeasureScore(score(summary));
    curveExtensions(summary).forEach(group::addExtension);
    if (!hide.hides(summary.n())) {
      for (int i = 0; i < summary.landmarks().size(); i++) {
        group.addExtension(
            survivalAt(StudyAnalysis.LANDMARK_MONTHS.get(i), summary.landmarks().get(i)));
      }
    }
    return group;
  }

  private void stratifier(MeasureReportGroupComponent group, FactorResult factor) {
    MeasureReportGroupStratifierComponent stratifier = group.addStratifier();
    stratifier.addCode(new CodeableConcept(new Coding(FACTOR_SYSTEM, factor.factor(), null)));
    if (factor.logRank() != null) {
      Extension logRank = new Extension(EXT_LOGRANK);
      logRank.addExtension("p-value", decimal(factor.logRank().p()));
      logRank.addExtension("chi-square", decimal(factor.logRank().chisq()));
      if (factor.logRank().df() > 0) {
        logRank.addExtension("df", new PositiveIntType(factor.logRank().df()));
      }
      stratifier.addExtension(logRank);
    }
    for (FactorResult.Level level : factor.levels()) {
      StratifierGroupComponent stratum = stratifier.addStratum();
      stratum.setValue(
          new CodeableConcept(
              new Coding(FACTOR_SYSTEM, factor.factor() + ":" + level.level(), null)));
      SurvivalSummary s = level.survival();
      stratum
          .addPopulation()
          .setCode(populationCode("initial-population"))
          .setCountElement(count(s.n()));
      stratum
          .addPopulation()
          .setCode(populationCode("measure-population"))
          .setCountElement(count(s.n()));
      stratum.setMeasureScore(score(s));
      curveExtensions(s).forEach(stratum::addExtension);
    }
  }

  private List<Extension> curveExtensions(SurvivalSummary summary) {
    boolean hidden = hide.hides(summary.n());
    Extension events = new Extension(EXT_EVENTS, unsignedInt(hidden ? 1 : summary.events()));
    Extension censored = new Extension(EXT_CENSORED, unsignedInt(hidden ? 1 : summary.censored()));
    if (hidden) {
      return List.of(events, censored);
    }
    Extension ci = new Extension(EXT_MEDIAN_CI);
    if (Double.isFinite(summary.lowerMonths())) {
      ci.addExtension("lower", months(summary.lowerMonths()));
    }
    if (Double.isFinite(summary.upperMonths())) {
      ci.addExtension("upper", months(summary.upperMonths()));
    }
    ci.addExtension("level", new DecimalType(new BigDecimal("0.95")));
    ci.addExtension("transform", new CodeType("log"));
    return List.of(ci, events, censored);
  }

  /** A count of patients, or (withheld) no value and a data-absent-reason of "masked". */
  private UnsignedIntType unsignedInt(int count) {
    UnsignedIntType value = new UnsignedIntType();
    if (hide.hides(count)) {
      value.addExtension(masked());
    } else {
      value.setValue(count);
    }
    return value;
  }

  private org.hl7.fhir.r4.model.IntegerType count(int count) {
    org.hl7.fhir.r4.model.IntegerType value = new org.hl7.fhir.r4.model.IntegerType();
    if (hide.hides(count)) {
      value.addExtension(masked());
    } else {
      value.setValue(count);
    }
    return value;
  }

  private static Extension masked() {
    return new Extension(DATA_ABSENT_REASON, new CodeType("masked"));
  }

  private Extension survivalAt(int month, SurvivalAt at) {
    Extension extension = new Extension(EXT_SURVIVAL_AT);
    extension.addExtension("month", new PositiveIntType(month));
    extension.addExtension("survival", decimal(at.surv()));
    if (Double.isFinite(at.lower())) {
      extension.addExtension("lower", decimal(at.lower()));
    }
    if (Double.isFinite(at.upper())) {
      extension.addExtension("upper", decimal(at.upper()));
    }
    extension.addExtension("level", new DecimalType(new BigDecimal("0.95")));
    extension.addExtension("at-risk", unsignedInt(at.nRisk()));
    return extension;
  }

  private static Extension coxTerm(CoxResult.Term term) {
    Extension extension = new Extension(EXT_COX_TERM);
    extension.addExtension(
        "factor", new CodeableConcept(new Coding(FACTOR_SYSTEM, term.factor(), null)));
    extension.addExtension(
        "level",
        new CodeableConcept(new Coding(FACTOR_SYSTEM, term.factor() + ":" + term.level(), null)));
    extension.addExtension("hazard-ratio", decimal(term.hr()));
    // Limits that underflow to 0 or overflow to infinity (a possibly infinite coefficient) are left
    // out.
    if (positive(term.hrLower())) {
      extension.addExtension("ci-lower", decimal(term.hrLower()));
    }
    if (positive(term.hrUpper())) {
      extension.addExtension("ci-upper", decimal(term.hrUpper()));
    }
    extension.addExtension("ci-level", new DecimalType(new BigDecimal("0.95")));
    if (Double.isFinite(term.p())) {
      extension.addExtension("p-value", decimal(term.p()));
    }
    return extension;
  }

  private static boolean positive(double value) {
    return Double.isFinite(value) && value > 0;
  }

  /**
   * The median in months; when not reached, "more than" the longest follow-up (profile rules
   * llm-mr-2/4); of a group too small to show, a value masked (the unit stays, as the profile
   * asks).
   */
  private Quantity score(SurvivalSummary summary) {
    if (hide.hides(summary.n())) {
      Quantity masked = new Quantity().setUnit("month").setSystem(UCUM).setCode("mo");
      masked.getValueElement().addExtension(masked());
      return masked;
    }
    if (summary.medianDays().reached()) {
      return months(summary.medianMonths());
    }
    Quantity longest = months(Double.isNaN(summary.longestMonths()) ? 0 : summary.longestMonths());
    longest.setComparator(Quantity.QuantityComparator.GREATER_THAN);
    return longest;
  }

  private MeasureReportGroupPopulationComponent population(String code, int count) {
    return new MeasureReportGroupPopulationComponent()
        .setCode(populationCode(code))
        .setCountElement(count(count));
  }

  private static CodeableConcept populationCode(String code) {
    return new CodeableConcept(new Coding(POPULATION_SYSTEM, code, null));
  }

  static Quantity months(double value) {
    return new Quantity().setValue(round(value)).setUnit("month").setSystem(UCUM).setCode("mo");
  }

  static DecimalType decimal(double value) {
    return new DecimalType(round(value));
  }

  /**
   * Rounded to {@link #DIGITS} significant digits: the report is for reading, results.json keeps
   * all.
   */
  static BigDecimal round(double value) {
    return new BigDecimal(value, new java.math.MathContext(DIGITS, RoundingMode.HALF_EVEN))
        .stripTrailingZeros();
  }
}
