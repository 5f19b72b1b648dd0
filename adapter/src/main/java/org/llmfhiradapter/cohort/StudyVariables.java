package org.llmfhiradapter.cohort;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.llmfhiradapter.cohort.ClassifiedChart.Fact;
import org.llmfhiradapter.conformance.ProfilePackage;
import org.llmfhiradapter.conformance.ResourceRole;
import org.llmfhiradapter.conformance.RoleClassifier;

/**
 * Reads the study's variables off one patient's classified chart, given the liver-metastasis
 * diagnosis and the index resection. Each method is one row of the cohort dictionary (design notes)
 * and returns null when the chart cannot give the variable. The windows and rules are recorded in
 * docs/decisions.md.
 */
final class StudyVariables {

  /**
   * Measurements and ablations this close to the index resection belong to it (pathology reports
   * lag).
   */
  static final int INDEX_WINDOW_DAYS = 30;

  /**
   * Recurrences diagnosed within this many days of the first one are the same episode (its
   * pattern).
   */
  static final int RECURRENCE_EPISODE_DAYS = 90;

  static final String EXTENT_EXTENSION =
      ProfilePackage.CANONICAL + "/StructureDefinition/llm-hepatectomy-extent";
  static final String SNOMED = "http://snomed.info/sct";

  private final ClassifiedChart chart;
  private final RoleClassifier classifier;
  private final Fact llm;
  private final Fact indexResection;

  StudyVariables(ClassifiedChart chart, RoleClassifier classifier, Fact llm, Fact indexResection) {
    this.chart = chart;
    this.classifier = classifier;
    this.llm = llm;
    this.indexResection = indexResection;
  }

  Integer days(LocalDate from, LocalDate to) {
    return from == null || to == null ? null : (int) ChronoUnit.DAYS.between(from, to);
  }

  /** Earliest dated leiomyosarcoma diagnosis. */
  LocalDate primaryDiagnosis() {
    return earliestDate(ResourceRole.PRIMARY_LEIOMYOSARCOMA);
  }

  /** Earliest dated resection of the primary. */
  LocalDate primaryResection() {
    return earliestDate(ResourceRole.PRIMARY_RESECTION);
  }

  private LocalDate earliestDate(ResourceRole role) {
    return chart.facts(role).stream()
        .map(Fact::date)
        .filter(d -> d != null)
        .findFirst()
        .orElse(null);
  }

  /**
   * The R results that stand for the primary: those of its last resection that has any (a
   * re-excision after an R1 or R2 resection decides the final margin, as abstractors read it). RX
   * says nothing and is dropped; resections on the same day count as one.
   */
  Set<String> marginValues() {
    Set<String> values = new TreeSet<>();
    for (Fact margin : decidingMargins()) {
      String code = residualCode(margin);
      if (code != null && !code.equals("RX")) {
        values.add(code);
      }
    }
    return values;
  }

  /**
   * A margin observation of the deciding resection whose R result disagrees with another one of it.
   */
  Optional<Fact> conflictingMargin() {
    return marginValues().size() > 1
        ? decidingMargins().stream().skip(1).findFirst()
        : Optional.empty();
  }

  /** R0 → true, R1 or R2 → false, RX or no result for the primary resection → missing. */
  Boolean primaryR0() {
    Set<String> values = marginValues();
    if (values.size() != 1) {
      return null;
    }
    return values.contains("R0");
  }

  /**
   * The margin observations of the last (dated) resection of the primary that has any; undated ones
   * first.
   */
  private List<Fact> decidingMargins() {
    List<Fact> resections = chart.facts(ResourceRole.PRIMARY_RESECTION);
    List<Fact> margins = chart.facts(ResourceRole.RESIDUAL_TUMOR);
    List<Fact> deciding = List.of();
    LocalDate decidingDate = null;
    // facts() puts undated resections last; an undated one cannot be placed after a dated one.
    List<Fact> ordered =
        new ArrayList<>(resections.stream().filter(f -> f.date() == null).toList());
    ordered.addAll(resections.stream().filter(f -> f.date() != null).toList());
    for (Fact resection : ordered) {
      List<Fact> on = margins.stream().filter(m -> focusesOn(m, resection)).toList();
      if (on.isEmpty()) {
        continue;
      }
      if (resection.date() != null && resection.date().equals(decidingDate)) {
        List<Fact> sameDay = new ArrayList<>(deciding);
        sameDay.addAll(on);
        deciding = sameDay;
      } else {
        deciding = on;
      }
      decidingDate = resection.date();
    }
    return deciding;
  }

  private static boolean focusesOn(Fact margin, Fact resection) {
    String target = resection.reference();
    return ((Observation) margin.resource())
        .getFocus().stream()
            .map(Reference::getReference)
            .anyMatch(r -> r != null && r.endsWith(target));
  }

  private static boolean endsWithAny(String reference, Set<String> targets) {
    return targets.stream().anyMatch(reference::endsWith);
  }

  private static String residualCode(Fact margin) {
    if (((Observation) margin.resource()).getValue() instanceof CodeableConcept value) {
      for (Coding coding : value.getCoding()) {
        if (coding.getSystem() != null
            && coding.getSystem().endsWith("/CodeSystem/llm-residual-tumor")) {
          return coding.getCode();
        }
      }
    }
    return null;
  }

  /**
   * Largest liver metastasis in cm: the biggest tumor size measured on a liver metastasis (focus on
   * a liver-metastasis Condition, or bodySite liver), or undirected, from the metastasis diagnosis
   * to 30 days after the index resection.
   */
  Double largestLlmCm(LocalDate index) {
    Set<String> metastases = new LinkedHashSet<>();
    chart.facts(ResourceRole.LIVER_METASTASIS).forEach(f -> metastases.add(f.reference()));
    Double largest = null;
    for (Fact fact : chart.facts(ResourceRole.TUMOR_SIZE)) {
      Observation observation = (Observation) fact.resource();
      boolean onLiver =
          observation.getFocus().stream()
                  .map(Reference::getReference)
                  .anyMatch(r -> r != null && endsWithAny(r, metastases))
              || classifier.inValueSet("llm-liver-site-codes", observation.getBodySite());
      boolean undirected = !observation.hasFocus() && !observation.hasBodySite();
      if (!onLiver
          && !(undirected && within(fact.date(), llm.date(), index.plusDays(INDEX_WINDOW_DAYS)))) {
        continue;
      }
      if (onLiver
          && fact.date() != null
          && fact.date().isAfter(index.plusDays(INDEX_WINDOW_DAYS))) {
        continue;
      }
      Double cm = centimetres(observation);
      if (cm != null && (largest == null || cm > largest)) {
        largest = cm;
      }
    }
    return largest;
  }

  private static Double centimetres(Observation observation) {
    if (!(observation.getValue() instanceof Quantity quantity) || quantity.getValue() == null) {
      return null;
    }
    String unit = quantity.hasCode() ? quantity.getCode() : quantity.getUnit();
    BigDecimal value = quantity.getValue();
    if ("cm".equals(unit)) {
      return value.doubleValue();
    }
    if ("mm".equals(unit)) {
      return value.doubleValue() / 10.0;
    }
    return null;
  }

  /**
   * Number of liver metastases: the latest count recorded up to 30 days after the index resection.
   */
  Integer llmCount(LocalDate index) {
    Integer count = null;
    for (Fact fact : chart.facts(ResourceRole.LESION_COUNT)) {
      if (fact.date() != null && fact.date().isAfter(index.plusDays(INDEX_WINDOW_DAYS))) {
        continue;
      }
      Observation observation = (Observation) fact.resource();
      if (observation.getValue() instanceof IntegerType integer && integer.getValue() != null) {
        count = integer.getValue();
      } else if (observation.getValue() instanceof Quantity quantity
          && quantity.getValue() != null) {
        count = quantity.getValue().intValue();
      }
    }
    return count;
  }

  /**
   * Chemotherapy started on or after the liver-metastasis diagnosis and before the index resection.
   */
  Boolean neoadjuvantChemo(LocalDate index) {
    return neoadjuvantStart(index).isPresent();
  }

  private Optional<LocalDate> neoadjuvantStart(LocalDate index) {
    return chart.facts(ResourceRole.CHEMOTHERAPY).stream()
        .map(Fact::date)
        .filter(d -> d != null && !d.isBefore(llm.date()) && d.isBefore(index))
        .findFirst();
  }

  /**
   * Response to neoadjuvant chemotherapy: the last disease status (LOINC 97509-4) that is
   * responded, stable or progressed, dated from the start of chemotherapy to the index resection.
   * Missing for patients without neoadjuvant chemotherapy, or without such an assessment.
   */
  String chemoResponse(LocalDate index) {
    Optional<LocalDate> start = neoadjuvantStart(index);
    if (start.isEmpty()) {
      return null;
    }
    String response = null;
    for (Fact fact : chart.facts(ResourceRole.DISEASE_STATUS)) {
      if (!within(fact.date(), start.get(), index)) {
        continue;
      }
      String value = trend((Observation) fact.resource());
      if (value != null) {
        response = value;
      }
    }
    return response;
  }

  private static String trend(Observation observation) {
    if (!(observation.getValue() instanceof CodeableConcept value)) {
      return null;
    }
    for (Coding coding : value.getCoding()) {
      if (SNOMED.equals(coding.getSystem())) {
        switch (String.valueOf(coding.getCode())) {
          case "268910001":
            return "responded";
          case "359746009":
            return "stable";
          case "271299001":
            return "progressed";
          default:
            break;
        }
      }
    }
    return null;
  }

  /**
   * Extent of the index resection: the extent extension when present, else the code (CPT
   * 47122/47125/47130 major; 47120 and wedge resection minor); missing when neither tells.
   */
  Boolean majorHepatectomy() {
    Procedure procedure = (Procedure) indexResection.resource();
    String extent = extentCode(procedure.getExtensionByUrl(EXTENT_EXTENSION));
    if ("major".equals(extent)) {
      return true;
    }
    if ("minor".equals(extent)) {
      return false;
    }
    if (classifier.inValueSet("llm-major-hepatectomy-codes", procedure.getCode())) {
      return true;
    }
    if (classifier.inValueSet("llm-minor-hepatectomy-codes", procedure.getCode())) {
      return false;
    }
    return null;
  }

  /**
   * The extent the extension gives: its valueCode as the profile defines it; a Coding or
   * CodeableConcept of our extent CodeSystem is read too, since hand-built payloads send those.
   */
  private static String extentCode(Extension extent) {
    if (extent == null || extent.getValue() == null) {
      return null;
    }
    if (extent.getValue() instanceof CodeableConcept concept) {
      return concept.getCoding().stream()
          .map(Coding::getCode)
          .filter(c -> c != null)
          .findFirst()
          .orElse(null);
    }
    if (extent.getValue() instanceof Coding coding) {
      return coding.getCode();
    }
    String code = extent.getValue().primitiveValue();
    return code == null ? null : code.trim();
  }

  /** A liver RFA within 30 days of the index resection (before or after). */
  Boolean rfa(LocalDate index) {
    return chart.facts(ResourceRole.LIVER_RFA).stream()
        .anyMatch(
            f ->
                within(
                    f.date(),
                    index.minusDays(INDEX_WINDOW_DAYS),
                    index.plusDays(INDEX_WINDOW_DAYS)));
  }

  /**
   * The recurrences after the index resection: new disease, never the disease that resection
   * treated nor a restatement of known disease (docs/decisions.md, "Recurrence"). Among the
   * metastasis and recurrence Conditions dated after the index, a Condition is a recurrence when
   *
   * <ol>
   *   <li>the chart marks it so (clinicalStatus recurrence or relapse), unless it is the Condition
   *       that dates the liver metastases themselves (EHRs date that one from the resection's
   *       pathology, days after it);
   *   <li>otherwise, when it is dated more than 30 days after the index (within them, pathology
   *       reports and discharge diagnoses restate the index disease), and it is not an encounter
   *       diagnosis repeating an organ already documented: EHRs restate the chart's diagnoses at
   *       every visit (Epic writes one encounter diagnosis per visit), so only a diagnosis entered
   *       as such (a problem-list entry), or the first documentation of an organ, says that the
   *       disease is new.
   * </ol>
   */
  private List<Fact> recurrences(LocalDate index) {
    List<Fact> dated = new ArrayList<>();
    for (ResourceRole role : List.of(ResourceRole.RECURRENCE, ResourceRole.LIVER_METASTASIS)) {
      chart.facts(role).stream().filter(f -> f.date() != null).forEach(dated::add);
    }
    dated.sort(Comparator.comparing(Fact::date));
    Set<String> documented = new HashSet<>(Set.of("liver"));
    List<Fact> recurrences = new ArrayList<>();
    for (Fact fact : dated) {
      Condition condition = (Condition) fact.resource();
      String organ = organ(condition);
      if (fact.date().isAfter(index) && isRecurrence(fact, condition, organ, documented, index)) {
        recurrences.add(fact);
      }
      documented.add(organ);
    }
    return recurrences;
  }

  private boolean isRecurrence(
      Fact fact, Condition condition, String organ, Set<String> documented, LocalDate index) {
    if (RoleClassifier.isRecurrence(condition)) {
      return fact.resource() != llm.resource();
    }
    if (!fact.date().isAfter(index.plusDays(INDEX_WINDOW_DAYS))) {
      return false;
    }
    return !(isEncounterDiagnosis(condition) && documented.contains(organ));
  }

  /**
   * An encounter diagnosis: category {@code encounter-diagnosis}, or tied to an encounter without
   * being a problem-list entry (some EHRs send no category).
   */
  static boolean isEncounterDiagnosis(Condition condition) {
    boolean problemList = false;
    for (CodeableConcept category : condition.getCategory()) {
      for (Coding coding : category.getCoding()) {
        if ("encounter-diagnosis".equals(coding.getCode())) {
          return true;
        }
        problemList |= "problem-list-item".equals(coding.getCode());
      }
    }
    return condition.hasEncounter() && !problemList;
  }

  /**
   * The organ a metastasis is in, finer than the pattern's three: liver, lung, or the codes that
   * name another organ (a repeated diagnosis carries the same ones).
   */
  private String organ(Condition condition) {
    String site = site(condition);
    if (!site.equals("other")) {
      return site;
    }
    Set<String> codes = new TreeSet<>();
    condition.getCode().getCoding().forEach(c -> codes.add(c.getSystem() + "|" + c.getCode()));
    condition
        .getBodySite()
        .forEach(b -> b.getCoding().forEach(c -> codes.add(c.getSystem() + "|" + c.getCode())));
    return "other " + codes;
  }

  Optional<LocalDate> firstRecurrence(LocalDate index) {
    return recurrences(index).stream().map(Fact::date).findFirst();
  }

  /**
   * The organs of the first recurrence episode (within 90 days of the first), as the abstract
   * groups them.
   */
  String recurrencePattern(LocalDate index) {
    List<Fact> recurrences = recurrences(index);
    if (recurrences.isEmpty()) {
      return "none";
    }
    LocalDate first = recurrences.get(0).date();
    Set<String> sites = new TreeSet<>();
    for (Fact fact : recurrences) {
      if (!fact.date().isAfter(first.plusDays(RECURRENCE_EPISODE_DAYS))) {
        sites.add(site((Condition) fact.resource()));
      }
    }
    if (sites.equals(Set.of("lung"))) {
      return "lung-only";
    }
    if (sites.equals(Set.of("liver"))) {
      return "liver-only";
    }
    return sites.contains("liver") ? "liver-and-other" : "other-without-liver";
  }

  /**
   * liver, lung or other: a code that names the organ wins, else the bodySite (profile rule
   * llm-rec-1).
   */
  private String site(Condition condition) {
    if (classifier.inValueSet("llm-liver-metastasis-codes", condition.getCode())) {
      return "liver";
    }
    if (classifier.inValueSet("llm-lung-metastasis-codes", condition.getCode())) {
      return "lung";
    }
    if (classifier.inValueSet("llm-recurrence-site-implied-codes", condition.getCode())) {
      return "other";
    }
    for (CodeableConcept bodySite : condition.getBodySite()) {
      if (classifier.inValueSet("llm-liver-site-codes", bodySite)) {
        return "liver";
      }
      if (classifier.inValueSet("llm-lung-site-codes", bodySite)) {
        return "lung";
      }
    }
    return "other";
  }

  private static boolean within(LocalDate date, LocalDate from, LocalDate to) {
    return date != null && !date.isBefore(from) && !date.isAfter(to);
  }
}
