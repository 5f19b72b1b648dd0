package org.llmfhiradapter.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.UnknownCodeSystemWarningValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * The HAPI FHIR Validator set up once, offline, with our profiles: base R4 definitions, our package
 * (StructureDefinitions with snapshots generated at load, ValueSets, CodeSystems), in-memory
 * terminology for our explicit ValueSets, and the common code systems. SNOMED CT, LOINC, ICD-10-CM
 * and CPT cannot be looked up offline: an unknown code system is a warning, while membership in our
 * ValueSets is still checked.
 *
 * <p>Building the chain costs seconds (HAPI's bundled definitions parsed, then converted for the
 * core validator): it is built on a thread of its own, so that a job starts Camel and reaches its
 * server meanwhile (a wrong URL fails in seconds, not after the validator), and the first
 * validation waits for it. {@link #shared} keeps one per process. Validation is thread-safe.
 */
public final class ProfileValidator {

  private static final Map<FhirContext, ProfileValidator> SHARED = new ConcurrentHashMap<>();
  private static final Pattern CONSTRAINT =
      Pattern.compile("Constraint failed: ([A-Za-z0-9.\\-]+):");

  private final CompletableFuture<Engine> engine;
  private final ProfilePackage profiles;

  /** HAPI's validator with our chain, and the reused core validator on its worker context. */
  private record Engine(FhirValidator validator, ReusedInstanceValidator reused) {}

  private ProfileValidator(FhirContext fhirContext, ProfilePackage profiles) {
    this.profiles = profiles;
    this.engine = new CompletableFuture<>();
    Thread loading =
        new Thread(
            () -> {
              try {
                engine.complete(engine(fhirContext, profiles));
              } catch (RuntimeException | Error e) {
                engine.completeExceptionally(e);
              }
            },
            "validator-loading");
    loading.setDaemon(true);
    loading.start();
  }

  private static Engine engine(FhirContext fhirContext, ProfilePackage profiles) {
    PrePopulatedValidationSupport ours = new PrePopulatedValidationSupport(fhirContext);
    for (Resource resource : profiles.resources()) {
      if (resource instanceof StructureDefinition definition) {
        ours.addStructureDefinition(definition);
      } else if (resource instanceof ValueSet valueSet) {
        ours.addValueSet(valueSet);
      } else if (resource instanceof CodeSystem codeSystem) {
        ours.addCodeSystem(codeSystem);
      }
    }
    UnknownCodeSystemWarningValidationSupport unknownSystems =
        new UnknownCodeSystemWarningValidationSupport(fhirContext);
    unknownSystems.setNonExistentCodeSystemSeverity(IValidationSupport.IssueSeverity.WARNING);
    ValidationSupportChain chain =
        new ValidationSupportChain(
            ours,
            new PackageResourceSupport(fhirContext, profiles),
            new DefaultProfileValidationSupport(fhirContext),
            new SnapshotGeneratingValidationSupport(fhirContext),
            new InMemoryTerminologyServerValidationSupport(fhirContext),
            new CommonCodeSystemsTerminologyService(fhirContext),
            unknownSystems);
    FhirInstanceValidator module = new FhirInstanceValidator(chain);
    // EHRs add their own extensions everywhere; only ours are checked against their definitions.
    module.setAnyExtensionsAllowed(true);
    FhirValidator validator = fhirContext.newValidator().registerValidatorModule(module);
    // One validation through HAPI creates the worker context the reused core validator runs on.
    org.hl7.fhir.r4.model.Patient probe = new org.hl7.fhir.r4.model.Patient();
    validator.validateWithResult(
        probe,
        new ValidationOptions()
            .addProfile(ProfilePackage.CANONICAL + "/StructureDefinition/llm-patient"));
    return new Engine(validator, new ReusedInstanceValidator(fhirContext, module));
  }

  /**
   * Waits until the chain is built: for work that must not add its memory to the set-up's peak,
   * like streaming large files in a small heap.
   */
  public ProfileValidator awaitReady() {
    engine();
    return this;
  }

  /** The chain, once built (waits for the loading thread). */
  private Engine engine() {
    try {
      return engine.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** The process-wide validator for this context (built on first use). */
  public static ProfileValidator shared(FhirContext fhirContext) {
    return SHARED.computeIfAbsent(
        fhirContext, ctx -> new ProfileValidator(ctx, ProfilePackage.load(ctx)));
  }

  /**
   * Pays the validator's first-use cost (snapshot generation, FHIRPath and terminology set-up,
   * several seconds) now, e.g. in the background while the embedded server starts.
   */
  public void warmUp() {
    org.hl7.fhir.r4.model.Patient patient = new org.hl7.fhir.r4.model.Patient();
    patient.setGender(org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.UNKNOWN);
    patient.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("2000-01-01"));
    validate(patient, ProfilePackage.CANONICAL + "/StructureDefinition/llm-patient");
  }

  public ProfilePackage profiles() {
    return profiles;
  }

  /**
   * Validates a resource against one profile (by canonical URL), whatever its meta.profile says.
   */
  public List<ValidationIssue> validate(IBaseResource resource, String profileUrl) {
    ReusedInstanceValidator reused = engine().reused();
    try {
      return issues(reused.validate(resource, profileUrl));
    } catch (RuntimeException e) {
      // HAPI's encoder fails on some values the lenient parser kept (an extension's integer "abc"):
      // the resource is unusable, which is an error of that resource, not of the run.
      return List.of(
          new ValidationIssue(
              ValidationIssue.Severity.ERROR,
              resource.fhirType(),
              "a value does not fit its element's type, so the resource cannot be read for validation ("
                  + e.getClass().getSimpleName()
                  + ")",
              "unreadable-value"));
    }
  }

  /**
   * Validates raw JSON (so that elements a parser would drop are reported too) against one profile.
   */
  public List<ValidationIssue> validate(String json, String profileUrl) {
    return issues(engine().reused().validate(json, profileUrl));
  }

  /**
   * The same validation through HAPI's own module, one new core validator per call (the reference
   * path).
   */
  List<ValidationIssue> validateThroughHapi(IBaseResource resource, String profileUrl) {
    List<ValidationIssue> issues = new ArrayList<>();
    for (SingleValidationMessage message :
        engine()
            .validator()
            .validateWithResult(resource, new ValidationOptions().addProfile(profileUrl))
            .getMessages()) {
      issues.add(
          new ValidationIssue(
              severity(message.getSeverity()),
              message.getLocationString(),
              message.getMessage(),
              rule(message.getMessage(), message.getMessageId())));
    }
    return issues;
  }

  private static List<ValidationIssue> issues(
      List<org.hl7.fhir.utilities.validation.ValidationMessage> messages) {
    List<ValidationIssue> issues = new ArrayList<>();
    for (org.hl7.fhir.utilities.validation.ValidationMessage message : messages) {
      issues.add(
          new ValidationIssue(
              severity(message.getLevel()),
              message.getLocation(),
              message.getMessage(),
              rule(message.getMessage(), message.getMessageId())));
    }
    return issues;
  }

  private static ValidationIssue.Severity severity(ResultSeverityEnum severity) {
    return switch (severity) {
      case FATAL, ERROR -> ValidationIssue.Severity.ERROR;
      case WARNING -> ValidationIssue.Severity.WARNING;
      case INFORMATION -> ValidationIssue.Severity.INFORMATION;
    };
  }

  private static ValidationIssue.Severity severity(
      org.hl7.fhir.utilities.validation.ValidationMessage.IssueSeverity level) {
    return switch (level) {
      case FATAL, ERROR -> ValidationIssue.Severity.ERROR;
      case WARNING -> ValidationIssue.Severity.WARNING;
      default -> ValidationIssue.Severity.INFORMATION;
    };
  }

  private static String rule(String message, String messageId) {
    Matcher constraint = CONSTRAINT.matcher(message == null ? "" : message);
    if (constraint.find()) {
      return constraint.group(1);
    }
    return messageId;
  }
}
