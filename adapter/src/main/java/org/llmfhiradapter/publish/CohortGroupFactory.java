package org.llmfhiradapter.publish;

import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Reference;
import org.llmfhiradapter.analysis.StudyResult;
import org.llmfhiradapter.cohort.CaseRecord;
import org.llmfhiradapter.conformance.ProfilePackage;

/**
 * The FHIR Group of the patients included in a run's cohort, the population the MeasureReport was computed
 * on. Identified like the report (cohort name and data cut-off), so a rerun replaces it.
 */
public final class CohortGroupFactory {

  public static final String IDENTIFIER_SYSTEM = ProfilePackage.CANONICAL + "/identifier/cohort";

  private CohortGroupFactory() {}

  public static String identifierValue(StudyResult result) {
    return result.cohortName() + "-" + result.dataCutoff();
  }

  public static Group build(StudyResult result) {
    Group group = new Group();
    group.addIdentifier().setSystem(IDENTIFIER_SYSTEM).setValue(identifierValue(result));
    group.setType(Group.GroupType.PERSON);
    group.setActual(true);
    group.setName("LLM cohort " + result.cohortName() + " (data cut-off " + result.dataCutoff() + ")");
    group.setQuantity(result.cohort().included().size());
    for (CaseRecord record : result.cohort().included()) {
      group.addMember().setEntity(new Reference("Patient/" + record.patientId()));
    }
    return group;
  }
}
