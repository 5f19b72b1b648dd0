package org.llmfhiradapter.publish;

import java.util.List;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Reference;
import org.llmfhiradapter.analysis.StudyResult;
import org.llmfhiradapter.cohort.CaseRecord;
import org.llmfhiradapter.conformance.ProfilePackage;

/**
 * The FHIR Group of the patients included in a run's cohort, the population the MeasureReport was
 * computed on. Identified like the report (cohort name and data cut-off), so a rerun replaces it.
 */
public final class CohortGroupFactory {

  public static final String IDENTIFIER_SYSTEM = ProfilePackage.CANONICAL + "/identifier/cohort";

  private CohortGroupFactory() {}

  private static boolean sameServer(String a, String b) {
    return a.replaceAll("/+$", "").equalsIgnoreCase(b.replaceAll("/+$", ""));
  }

  public static String identifierValue(StudyResult result) {
    return result.cohortName() + "-" + result.dataCutoff();
  }

  /**
   * @param destination base URL of the server the Group is written to: a member pulled from that
   *     same server is a literal reference ({@code Patient/id}); one pulled from another server is
   *     a logical reference (the source's base URL as identifier system, the record id as value),
   *     which no server resolves to a Patient of its own or creates a placeholder for
   */
  public static Group build(StudyResult result, String destination) {
    return build(result, destination, CellSuppression.NONE);
  }

  /**
   * The Group; its quantity masked (data-absent-reason) when small-cell suppression withholds it.
   */
  public static Group build(StudyResult result, String destination, CellSuppression hide) {
    Group group = new Group();
    group.addIdentifier().setSystem(IDENTIFIER_SYSTEM).setValue(identifierValue(result));
    group.setType(Group.GroupType.PERSON);
    group.setActual(true);
    group.setName(
        "LLM cohort " + result.cohortName() + " (data cut-off " + result.dataCutoff() + ")");
    if (hide.hides(result.cohort().included().size())) {
      group
          .getQuantityElement()
          .addExtension(
              MeasureReportFactory.DATA_ABSENT_REASON,
              new org.hl7.fhir.r4.model.CodeType("masked"));
    } else {
      group.setQuantity(result.cohort().included().size());
    }
    List<CaseRecord> included = result.cohort().included();
    for (int i = 0; i < included.size(); i++) {
      String source = result.cohort().sourceOf(i);
      String id = included.get(i).patientId();
      Reference entity;
      if (source.isEmpty() || sameServer(source, destination)) {
        entity = new Reference("Patient/" + id);
      } else {
        entity = new Reference().setType("Patient");
        entity.getIdentifier().setSystem(source + "/Patient").setValue(id);
      }
      group.addMember().setEntity(entity);
    }
    return group;
  }
}
