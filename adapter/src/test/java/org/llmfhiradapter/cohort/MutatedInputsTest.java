package org.llmfhiradapter.cohort;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmfhiradapter.conformance.ConformanceReview;
import org.llmfhiradapter.conformance.FileValidation;
import org.llmfhiradapter.conformance.InputResource;
import org.llmfhiradapter.conformance.ProfileValidator;
import org.llmfhiradapter.conformance.ResourceFiles;
import org.llmfhiradapter.conformance.RoleClassifier;
import org.llmfhiradapter.source.PatientRecord;

/**
 * Charts and files mutated as a messy EHR or a careless export would: every value of a real chart's
 * resources in turn replaced by an impossible date, text, a wrong JSON type, emptiness or a very
 * long string, every element removed, the resourceType broken. Each mutated chart must come out
 * included or excluded (never an exception), and each mutated file must be reported with its source
 * by {@code validate}.
 */
class MutatedInputsTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path FIDELITY = Path.of("..", "fixtures", "fidelity");

  /** Parses as the pull does: a value it cannot read is kept as written. */
  private static final IParser PULL_PARSER =
      FHIR.newJsonParser()
          .setParserErrorHandler(new LenientErrorHandler(false).setErrorOnInvalidValue(false));

  private static final List<Function<JsonNode, JsonNode>> VALUES =
      List.of(
          v -> JsonNodeFactory.instance.textNode("2001-02-30"),
          v -> JsonNodeFactory.instance.textNode("yesterday"),
          v -> JsonNodeFactory.instance.textNode("+25:00"),
          v -> JsonNodeFactory.instance.textNode(""),
          v -> JsonNodeFactory.instance.booleanNode(true),
          v -> JsonNodeFactory.instance.numberNode(-1),
          v -> JsonNodeFactory.instance.objectNode(),
          v -> JsonNodeFactory.instance.textNode("x".repeat(10_000)));

  @Test
  void everyMutatedChartIsIncludedOrExcludedNeverAnException() throws Exception {
    ProfileValidator validator = ProfileValidator.shared(FHIR);
    RoleClassifier classifier = RoleClassifier.from(validator.profiles());
    int charts = 0;
    int unreadable = 0;
    int excluded = 0;
    for (String chart :
        List.of(
            "epic/f-encounter-repeats.json",
            "cerner/f-reexcision.json",
            "mcode/f-recorded-date.json")) {
      JsonNode bundle = JSON.readTree(Files.readString(FIDELITY.resolve(chart)));
      for (JsonNode mutated : mutations(bundle, new Random(chart.hashCode()), 90)) {
        charts++;
        Bundle parsed;
        try {
          parsed = PULL_PARSER.parseResource(Bundle.class, mutated.toString());
        } catch (DataFormatException | IllegalArgumentException e) {
          // What the pull retries, then reports as the patient's unreadable (incomplete) record.
          unreadable++;
          continue;
        }
        List<Resource> resources =
            parsed.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).toList();
        PatientRecord record = PatientRecord.of("mutated", resources);
        if (record.patient() == null) {
          unreadable++;
          continue;
        }
        MappingOutcome outcome =
            new CohortMapper(classifier, LocalDate.of(2024, 12, 31))
                .map(new ConformanceReview(classifier, validator).review(record));
        assertThat(outcome).as(mutated.toString()).isNotNull();
        if (outcome instanceof MappingOutcome.Excluded) {
          excluded++;
        }
      }
    }
    System.out.printf(
        "mutated charts: %d, every one mapped or refused as unreadable (%d unreadable, %d excluded)%n",
        charts, unreadable, excluded);
    assertThat(charts).isGreaterThanOrEqualTo(250);
    assertThat(excluded).isPositive();
  }

  @Test
  void everyMutatedFileIsReportedWithItsSourceNeverAnException(@TempDir Path dir) throws Exception {
    List<Path> files = new ArrayList<>();
    int n = 0;
    try (var examples = Files.list(Path.of("..", "profiles", "examples"))) {
      for (Path example : examples.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        JsonNode resource = JSON.readTree(Files.readString(example));
        for (JsonNode mutated : mutations(resource, new Random(example.hashCode()), 22)) {
          files.add(
              Files.writeString(dir.resolve(String.format("m%04d.json", n++)), mutated.toString()));
        }
      }
    }
    // Shapes no resource mutation gives: a key twice, an entry that is not a list, no JSON at all.
    files.add(
        Files.writeString(
            dir.resolve("dup.json"),
            "{\"resourceType\":\"Patient\",\"gender\":\"male\",\"gender\":\"female\"}"));
    files.add(
        Files.writeString(
            dir.resolve("entry.json"),
            "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":\"x\"}"));
    files.add(Files.writeString(dir.resolve("text.json"), "not json"));

    FileValidation validation = new FileValidation(ProfileValidator.shared(FHIR));
    List<String> reported = new ArrayList<>();
    int unusable = 0;
    List<InputResource> inputs = new ResourceFiles(FHIR).read(files);
    for (InputResource input : inputs) {
      FileValidation.Result result = validation.validate(input, null);
      reported.add(Path.of(input.source().split(" ")[0]).getFileName().toString());
      if (input.unusable()) {
        unusable++;
        assertThat(input.problem()).startsWith(dir.toString());
      }
      assertThat(result).isNotNull();
    }
    System.out.printf(
        "mutated files: %d, every one reported (%d unusable input)%n", files.size(), unusable);
    assertThat(files).hasSizeGreaterThanOrEqualTo(350);
    assertThat(reported).containsAll(files.stream().map(f -> f.getFileName().toString()).toList());
  }

  /**
   * Up to {@code limit} mutations of a resource tree: values replaced, elements removed,
   * resourceType broken.
   */
  private static List<JsonNode> mutations(JsonNode root, Random random, int limit) {
    List<List<Object>> leaves = new ArrayList<>();
    collect(root, new ArrayList<>(), leaves);
    List<JsonNode> mutations = new ArrayList<>();
    for (String type : List.of("", "Patients")) {
      ObjectNode broken = root.deepCopy();
      broken.put("resourceType", type);
      mutations.add(broken);
    }
    while (mutations.size() < limit && !leaves.isEmpty()) {
      List<Object> path = leaves.get(random.nextInt(leaves.size()));
      JsonNode copy = root.deepCopy();
      JsonNode parent = copy;
      for (Object step : path.subList(0, path.size() - 1)) {
        parent = step instanceof Integer i ? parent.get(i) : parent.get((String) step);
      }
      Object last = path.get(path.size() - 1);
      if (random.nextInt(4) == 0 && parent instanceof ObjectNode object) {
        object.remove((String) last);
      } else {
        JsonNode value = VALUES.get(random.nextInt(VALUES.size())).apply(null);
        if (parent instanceof ObjectNode object) {
          object.set((String) last, value);
        } else {
          ((ArrayNode) parent).set((Integer) last, value);
        }
      }
      mutations.add(copy);
    }
    return mutations;
  }

  private static void collect(JsonNode node, List<Object> path, List<List<Object>> leaves) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              field -> {
                if (!field.getKey().equals("resourceType")) {
                  List<Object> next = new ArrayList<>(path);
                  next.add(field.getKey());
                  if (field.getValue().isValueNode()) {
                    leaves.add(next);
                  } else {
                    collect(field.getValue(), next, leaves);
                  }
                }
              });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        List<Object> next = new ArrayList<>(path);
        next.add(i);
        if (node.get(i).isValueNode()) {
          leaves.add(next);
        } else {
          collect(node.get(i), next, leaves);
        }
      }
    }
  }
}
