package org.llmfhiradapter.conformance;

import ca.uhn.fhir.context.FhirContext;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r5.context.IWorkerContext;
import org.hl7.fhir.r5.elementmodel.Manager;
import org.hl7.fhir.r5.model.StructureDefinition;
import org.hl7.fhir.r5.utils.validation.ValidatorSession;
import org.hl7.fhir.r5.utils.validation.constants.BestPracticeWarningLevel;
import org.hl7.fhir.r5.utils.validation.constants.IdStatus;
import org.hl7.fhir.r5.utils.xver.XVerExtensionManagerOld;
import org.hl7.fhir.utilities.i18n.I18nConstants;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.hl7.fhir.validation.ValidatorSettings;
import org.hl7.fhir.validation.instance.InstanceValidator;

/**
 * Runs the FHIR core {@link InstanceValidator} on HAPI's worker context, keeping one instance per
 * thread.
 *
 * <p>Why: HAPI's {@code FhirInstanceValidator} builds a new core validator for every resource, and
 * the constructor alone (it re-reads the OID registry from a CSV file each time) took 60% of the
 * time of a validation in {@code bench validate}. Reusing the instance gives the same messages (the
 * profile examples and their expected errors are the test) at a fraction of the cost. The settings
 * mirror HAPI's {@code ValidatorWrapper} with our module's options.
 *
 * <p>An instance is replaced after {@link #VALIDATIONS_PER_INSTANCE} validations: the core
 * validator keeps per-resource bookkeeping (a tracker keyed by each parsed element, messages to
 * revisit) that it never clears, since it expects to be thrown away. Kept for a whole pull, it held
 * every resource ever validated and a 10,000-patient pull ran out of memory; renewed every few
 * hundred, it holds a bounded number and the constructor's cost is spread thin.
 */
final class ReusedInstanceValidator {

  private final FhirContext fhirContext;
  private final FhirInstanceValidator module;
  private final IWorkerContext worker;

  /** Validations one core validator does before it is replaced (see the class comment). */
  static final int VALIDATIONS_PER_INSTANCE = 250;

  private final ThreadLocal<Renewed> perThread;
  private final Map<String, StructureDefinition> profiles = new ConcurrentHashMap<>();

  /**
   * @param module a HAPI module that has validated once (so that its worker context exists)
   */
  ReusedInstanceValidator(FhirContext fhirContext, FhirInstanceValidator module) {
    this.fhirContext = fhirContext;
    this.module = module;
    this.worker = module.getWorkerContext();
    this.perThread = ThreadLocal.withInitial(Renewed::new);
  }

  /** This thread's core validator, replaced every {@link #VALIDATIONS_PER_INSTANCE} validations. */
  private final class Renewed {
    private InstanceValidator validator;
    private int uses;

    InstanceValidator next() {
      if (validator == null || uses == VALIDATIONS_PER_INSTANCE) {
        validator = newValidator();
        uses = 0;
      }
      uses++;
      return validator;
    }
  }

  private InstanceValidator newValidator() {
    InstanceValidator validator =
        new InstanceValidator(
            worker,
            new FhirInstanceValidator.NullEvaluationContext(),
            new XVerExtensionManagerOld(worker),
            new ValidatorSession(),
            new ValidatorSettings());
    validator.setAssumeValidRestReferences(false);
    validator.setBestPracticeWarningLevel(BestPracticeWarningLevel.Warning);
    validator.setAnyExtensionsAllowed(true);
    validator.setResourceIdRule(IdStatus.OPTIONAL);
    validator.setNoTerminologyChecks(false);
    validator.setErrorForUnknownProfiles(true);
    validator.setUnknownCodeSystemsCauseErrors(true);
    validator.setFetcher(module.getValidatorResourceFetcher());
    validator.setPolicyAdvisor(module.getValidatorPolicyAdvisor());
    validator.setNoExtensibleWarnings(false);
    validator.setNoBindingMsgSuppressed(false);
    validator.setAllowExamples(false);
    validator.setAllowXsiLocation(true);
    return validator;
  }

  List<ValidationMessage> validate(IBaseResource resource, String profileUrl) {
    return validate(fhirContext.newJsonParser().encodeResourceToString(resource), profileUrl);
  }

  List<ValidationMessage> validate(String json, String profileUrl) {
    StructureDefinition profile =
        profiles.computeIfAbsent(
            profileUrl, url -> worker.fetchResource(StructureDefinition.class, url));
    List<ValidationMessage> messages = new ArrayList<>();
    if (profile == null) {
      ValidationMessage unknown = new ValidationMessage();
      unknown.setLevel(ValidationMessage.IssueSeverity.ERROR);
      unknown.setMessageId(I18nConstants.VALIDATION_VAL_PROFILE_UNKNOWN);
      unknown.setMessage("Unknown profile " + profileUrl);
      messages.add(unknown);
      return messages;
    }
    perThread
        .get()
        .next()
        .validate(
            null,
            messages,
            new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
            Manager.FhirFormat.JSON,
            List.of(profile));
    // As HAPI's wrapper does: notes about bindings without a ValueSet, and the mime-type ValueSet,
    // are noise.
    messages.removeIf(
        m ->
            I18nConstants.TERMINOLOGY_TX_BINDING_NOSOURCE.equals(m.getMessageId())
                || (I18nConstants.TERMINOLOGY_TX_VALUESET_NOTFOUND.equals(m.getMessageId())
                    && m.getMessage() != null
                    && m.getMessage().contains("http://hl7.org/fhir/ValueSet/mimetypes")));
    return messages;
  }
}
