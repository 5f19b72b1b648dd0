package org.llmfhiradapter.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * The conformance resources of our FHIR package ({@code profiles/} in the repository, packaged into
 * the jar under {@code profiles/}): StructureDefinitions, ValueSets, CodeSystems, the Measure.
 * Examples in sub-folders are not part of it.
 */
public final class ProfilePackage {

  /** Canonical base of everything we define. */
  public static final String CANONICAL = "http://llm-fhir-adapter.org/fhir";

  private static final String MARKER = "profiles/package.json";

  private final List<Resource> resources;

  private ProfilePackage(List<Resource> resources) {
    this.resources = List.copyOf(resources);
  }

  /** Loads the package packaged with the adapter. */
  public static ProfilePackage load(FhirContext fhirContext) {
    List<String> names;
    try {
      names = ClasspathFolder.list(MARKER);
    } catch (IOException e) {
      throw new ConformanceException(
          "The profiles package is missing from the classpath: " + e.getMessage());
    }
    List<Resource> resources = new ArrayList<>();
    for (String name : names) {
      if (!name.endsWith(".json") || name.equals(MARKER)) {
        continue;
      }
      try (InputStream in = ProfilePackage.class.getClassLoader().getResourceAsStream(name)) {
        String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        resources.add((Resource) fhirContext.newJsonParser().parseResource(json));
      } catch (IOException | DataFormatException e) {
        throw new ConformanceException(name + " cannot be read as FHIR JSON: " + e.getMessage());
      }
    }
    return new ProfilePackage(resources);
  }

  public List<Resource> resources() {
    return resources;
  }

  public Optional<ValueSet> valueSet(String id) {
    return byId(ValueSet.class, id);
  }

  public Optional<ValueSet> valueSetByUrl(String url) {
    return resources.stream()
        .filter(ValueSet.class::isInstance)
        .map(ValueSet.class::cast)
        .filter(vs -> url.equals(vs.getUrl()))
        .findFirst();
  }

  /** The survival Measure every report refers to. */
  public org.hl7.fhir.r4.model.Measure measure() {
    return resources.stream()
        .filter(org.hl7.fhir.r4.model.Measure.class::isInstance)
        .map(org.hl7.fhir.r4.model.Measure.class::cast)
        .findFirst()
        .orElseThrow(() -> new ConformanceException("The Measure is missing from profiles/"))
        .copy();
  }

  public Optional<StructureDefinition> profile(String id) {
    return byId(StructureDefinition.class, id);
  }

  private <T extends Resource> Optional<T> byId(Class<T> type, String id) {
    return resources.stream()
        .filter(type::isInstance)
        .map(type::cast)
        .filter(r -> id.equals(r.getIdElement().getIdPart()))
        .findFirst();
  }
}
