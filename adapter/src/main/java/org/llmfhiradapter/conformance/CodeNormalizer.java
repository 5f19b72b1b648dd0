package org.llmfhiradapter.conformance;

import java.util.Map;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;

/**
 * Rewrites vendor spellings of standard code systems to their canonical URIs, in place: Epic sends
 * ICD-10-CM and SNOMED CT as OIDs in Conditions ({@code urn:oid:2.16.840.1.113883.6.90} / {@code
 * .6.96}) and CPT as OID {@code .6.12}. Codings of other systems (IMO, Cerner codeSets) are left as
 * they are.
 */
public final class CodeNormalizer {

  public static final String SNOMED = "http://snomed.info/sct";
  public static final String ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm";
  public static final String LOINC = "http://loinc.org";
  public static final String CPT = "http://www.ama-assn.org/go/cpt";

  private static final Map<String, String> CANONICAL =
      Map.of(
          "urn:oid:2.16.840.1.113883.6.90", ICD10CM,
          "urn:oid:2.16.840.1.113883.6.96", SNOMED,
          "urn:oid:2.16.840.1.113883.6.12", CPT,
          "urn:oid:2.16.840.1.113883.6.1", LOINC,
          "http://snomed.info/sct/", SNOMED,
          "http://www.ama-assn.org/go/cpt/", CPT);

  private CodeNormalizer() {}

  /** The canonical URI of a code system, or the system unchanged. */
  public static String canonicalSystem(String system) {
    if (system == null) {
      return null;
    }
    String trimmed = system.trim();
    return CANONICAL.getOrDefault(trimmed, trimmed);
  }

  public static void normalize(CodeableConcept concept) {
    if (concept == null) {
      return;
    }
    for (Coding coding : concept.getCoding()) {
      normalize(coding);
    }
  }

  public static void normalize(Coding coding) {
    if (coding == null || !coding.hasSystem()) {
      return;
    }
    String canonical = canonicalSystem(coding.getSystem());
    coding.setSystem(canonical);
    if (coding.hasCode()) {
      coding.setCode(coding.getCode().trim());
    }
  }
}
