package org.llmfhiradapter.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import java.util.Map;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Measure;

/**
 * Serves our package's Measure to the validator, which then checks each MeasureReport against it
 * (every group, population and stratifier of the Measure present). HAPI's pre-populated support
 * serves only StructureDefinitions, ValueSets and CodeSystems.
 */
final class PackageResourceSupport implements IValidationSupport {

  private final FhirContext fhirContext;
  private final Map<String, Measure> measures;

  PackageResourceSupport(FhirContext fhirContext, ProfilePackage profiles) {
    this.fhirContext = fhirContext;
    this.measures =
        profiles.resources().stream()
            .filter(Measure.class::isInstance)
            .map(Measure.class::cast)
            .collect(Collectors.toUnmodifiableMap(Measure::getUrl, m -> m));
  }

  @Override
  public FhirContext getFhirContext() {
    return fhirContext;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends IBaseResource> T fetchResource(Class<T> type, String url) {
    if (url == null) {
      return null;
    }
    int version = url.indexOf('|');
    Measure measure = measures.get(version < 0 ? url : url.substring(0, version));
    return measure != null && (type == null || type.isInstance(measure)) ? (T) measure : null;
  }
}
