package org.llmfhiradapter.source;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The per-patient searches each vendor's FHIR API accepts, for Conditions, Procedures and
 * Observations. Generic R4: one search per type by {@code patient}. Epic: Observation also needs
 * {@code code} or {@code category}, so Observations are searched by the codes our roles use.
 * Cerner: Procedure needs a closed {@code date} range, and pages hold at most 200.
 */
final class VendorSearches {

  /** Cerner refuses larger pages. */
  static final int CERNER_MAX_PAGE = 200;

  private final String vendor;
  private final int pageSize;
  private final List<String> observationCodes;
  private final LocalDate until;

  /**
   * @param observationCodes {@code system|code} of every Observation code that plays a role (for
   *     Epic)
   * @param until the end of Cerner's Procedure date range (the data cut-off)
   */
  VendorSearches(String vendor, int pageSize, List<String> observationCodes, LocalDate until) {
    this.vendor = vendor;
    this.pageSize = vendor.equals("cerner") ? Math.min(pageSize, CERNER_MAX_PAGE) : pageSize;
    this.observationCodes = List.copyOf(observationCodes);
    this.until = until;
  }

  String conditions(String patientId) {
    return "Condition?patient=" + encode(patientId) + count();
  }

  String procedures(String patientId) {
    String url = "Procedure?patient=" + encode(patientId);
    if (vendor.equals("cerner")) {
      url += "&date=ge1900-01-01T00:00:00Z&date=le" + until.plusDays(1) + "T00:00:00Z";
    }
    return url + count();
  }

  String observations(String patientId) {
    String url = "Observation?patient=" + encode(patientId);
    if (vendor.equals("epic") && !observationCodes.isEmpty()) {
      url +=
          "&code="
              + observationCodes.stream()
                  .map(VendorSearches::encode)
                  .collect(Collectors.joining(","));
    }
    return url + count();
  }

  /**
   * Whether the vendor's API can say which resources changed since a time, across patients: a
   * search by {@code _lastUpdated} alone. Epic and Cerner require {@code patient} on every clinical
   * search, so there a sync reads every candidate and compares what it got with what it stored.
   */
  boolean hasChangeFeed() {
    return vendor.equals("generic");
  }

  /**
   * The resources of a type updated at or after {@code since}, with only the element that names
   * their patient ({@code subject}; the Patient's own id comes with every resource).
   */
  String changedSince(String resourceType, java.time.Instant since) {
    String element = resourceType.equals("Patient") ? "link" : "subject";
    String from = since.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString();
    return resourceType + "?_lastUpdated=ge" + encode(from) + "&_elements=" + element + count();
  }

  String conditionsByCode(List<String> codes) {
    return "Condition?code="
        + codes.stream().map(VendorSearches::encode).collect(Collectors.joining(","))
        + count();
  }

  private String count() {
    return "&_count=" + pageSize;
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
