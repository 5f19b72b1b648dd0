package org.llmfhiradapter.publish;

import java.math.BigDecimal;
import java.util.Date;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.Quantity;
import org.llmfhiradapter.analysis.StudyResult;
import org.llmfhiradapter.analysis.SurvivalSummary;
import org.llmfhiradapter.cohort.CaseRecord;
import org.llmfhiradapter.config.AdapterConfig;
import org.llmfhiradapter.conformance.ProfilePackage;

/**
 * Builds the survival MeasureReport of a run. One group per endpoint; the group's measureScore is the
 * Kaplan-Meier median in months (UCUM {@code mo}), its 95% CI and the event and censored counts sit in our
 * extensions (see {@code docs/decisions.md}).
 */
public final class MeasureReportFactory {

  public static final String PROFILE = ProfilePackage.CANONICAL + "/StructureDefinition/llm-survival-measurereport";
  public static final String EXT_MEDIAN_CI = ProfilePackage.CANONICAL + "/StructureDefinition/llm-median-ci";
  public static final String EXT_EVENTS = ProfilePackage.CANONICAL + "/StructureDefinition/llm-events";
  public static final String EXT_CENSORED = ProfilePackage.CANONICAL + "/StructureDefinition/llm-censored";
  public static final String ENDPOINT_SYSTEM = ProfilePackage.CANONICAL + "/CodeSystem/llm-survival-endpoint";
  static final String POPULATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/measure-population";
  static final String UCUM = "http://unitsofmeasure.org";

  private final AdapterConfig.Publish config;

  public MeasureReportFactory(AdapterConfig.Publish config) {
    this.config = config;
  }

  /** The report's stable identifier value: cohort name and data cut-off. */
  public String identifierValue(StudyResult result) {
    return result.cohortName() + "-" + result.dataCutoff();
  }

  public MeasureReport build(StudyResult result) {
    MeasureReport report = new MeasureReport();
    report.getMeta().addProfile(PROFILE);
    report.addIdentifier().setSystem(config.identifierSystem()).setValue(identifierValue(result));
    report.setStatus(MeasureReport.MeasureReportStatus.COMPLETE);
    report.setType(MeasureReport.MeasureReportType.SUMMARY);
    report.setMeasure(config.measureUrl());
    report.setDate(new Date());
    report.getPeriod().setEndElement(new org.hl7.fhir.r4.model.DateTimeType(result.dataCutoff().toString()));
    result.cohort().included().stream()
        .map(CaseRecord::indexDate)
        .min(java.util.Comparator.naturalOrder())
        .ifPresent(first -> report.getPeriod().setStartElement(new org.hl7.fhir.r4.model.DateTimeType(first.toString())));
    addGroup(report, "overall-survival", "Overall survival from the hepatic resection", result.overallSurvival());
    return report;
  }

  private static void addGroup(MeasureReport report, String code, String display, SurvivalSummary summary) {
    MeasureReport.MeasureReportGroupComponent group = report.addGroup();
    group.setCode(new CodeableConcept(new Coding(ENDPOINT_SYSTEM, code, display)));
    group
        .addPopulation()
        .setCode(new CodeableConcept(new Coding(POPULATION_SYSTEM, "initial-population", "Initial Population")))
        .setCount(summary.n());
    if (summary.medianDays().reached()) {
      group.setMeasureScore(months(summary.medianMonths()));
    }
    Extension ci = new Extension(EXT_MEDIAN_CI);
    if (!Double.isNaN(summary.lowerMonths())) {
      ci.addExtension("lower", months(summary.lowerMonths()));
    }
    if (!Double.isNaN(summary.upperMonths())) {
      ci.addExtension("upper", months(summary.upperMonths()));
    }
    if (ci.hasExtension()) {
      ci.addExtension("level", new org.hl7.fhir.r4.model.DecimalType(new BigDecimal("0.95")));
      group.addExtension(ci);
    }
    group.addExtension(EXT_EVENTS, new IntegerType(summary.events()));
    group.addExtension(EXT_CENSORED, new IntegerType(summary.censored()));
  }

  static Quantity months(double value) {
    return new Quantity().setValue(BigDecimal.valueOf(value)).setUnit("mo").setSystem(UCUM).setCode("mo");
  }

  static DateType day(java.time.LocalDate date) {
    return new DateType(date.toString());
  }
}
