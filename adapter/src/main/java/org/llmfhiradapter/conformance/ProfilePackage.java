package org.llmfhiradapter.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * The conformance resources of our FHIR package ({@code profiles/} in the repository, packaged into the jar
 * under {@code /profiles}): StructureDefinitions, ValueSets, CodeSystems and the Measure. The package's
 * {@code .index.json} (FHIR package index) lists the files, so they can be read from the jar.
 */
public final class ProfilePackage {

  /** Canonical base of everything we define. */
  public static final String CANONICAL = "http://llm-fhir-adapter.org/fhir";

  private static final String ROOT = "/profiles/";

  private final List<Resource> resources;

  private ProfilePackage(List<Resource> resources) {
    this.resources = List.copyOf(resources);
  }

  /** Loads the package packaged with the adapter. */
  public static ProfilePackage load(FhirContext fhirContext) {
    JsonNode index = readIndex();
    List<Resource> resources = new ArrayList<>();
    for (JsonNode file : index.path("files")) {
      String name = file.path("filename").asText();
      try (InputStream in = ProfilePackage.class.getResourceAsStream(ROOT + name)) {
        if (in == null) {
          throw new ConformanceException("profiles/.index.json lists " + name + ", which is not in the package");
        }
        resources.add((Resource) fhirContext.newJsonParser().parseResource(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException | DataFormatException e) {
        throw new ConformanceException("profiles/" + name + " cannot be read as FHIR JSON: " + e.getMessage());
      }
    }
    return new ProfilePackage(resources);
  }

  private static JsonNode readIndex() {
    try (InputStream in = ProfilePackage.class.getResourceAsStream(ROOT + ".index.json")) {
      if (in == null) {
        throw new ConformanceException("The profiles package is missing from the classpath (profiles/.index.json)");
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new ConformanceException("profiles/.index.json is not valid JSON: " + e.getMessage());
    }
  }

  public List<Resource> resources() {
    return resources;
  }

  public Optional<ValueSet> valueSet(String id) {
    return resources.stream()
        .filter(ValueSet.class::isInstance)
        .map(ValueSet.class::cast)
        .filter(vs -> id.equals(vs.getIdElement().getIdPart()))
        .findFirst();
  }
}
