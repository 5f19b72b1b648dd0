package org.llmfhiradapter.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.IParserErrorHandler;
import ca.uhn.fhir.parser.json.BaseJsonLikeValue.ScalarType;
import ca.uhn.fhir.parser.json.BaseJsonLikeValue.ValueType;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Resource;

/**
 * Reads resources to validate from files: a JSON resource, a JSON Bundle (each entry's resource), or NDJSON
 * (one resource per line); a folder means its {@code .json} and {@code .ndjson} files. Input that is not
 * FHIR at all fails with an {@link UnusableInputException} naming the file and the problem; elements the
 * FHIR parser does not know are kept as errors of that resource, so nothing is silently dropped.
 */
public final class ResourceFiles {

  /** A single JSON document larger than this is refused (NDJSON is read line by line, any size). */
  public static final long MAX_JSON_BYTES = 16L * 1024 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final FhirContext fhirContext;

  public ResourceFiles(FhirContext fhirContext) {
    this.fhirContext = fhirContext;
  }

  /** Every resource in the paths, in order. */
  public List<InputResource> read(List<Path> paths) {
    List<InputResource> resources = new ArrayList<>();
    for (Path path : paths) {
      for (Path file : files(path)) {
        resources.addAll(readFile(file));
      }
    }
    return resources;
  }

  private static List<Path> files(Path path) {
    if (Files.isDirectory(path)) {
      try (Stream<Path> walk = Files.walk(path)) {
        List<Path> files =
            walk.filter(Files::isRegularFile)
                .filter(p -> p.toString().endsWith(".json") || p.toString().endsWith(".ndjson"))
                .sorted()
                .toList();
        if (files.isEmpty()) {
          throw new UnusableInputException(path + ": no .json or .ndjson files in this folder");
        }
        return files;
      } catch (IOException e) {
        throw new UnusableInputException(path + ": cannot list the folder (" + e.getMessage() + ")");
      }
    }
    if (!Files.exists(path)) {
      throw new UnusableInputException(path + ": no such file");
    }
    return List.of(path);
  }

  private List<InputResource> readFile(Path file) {
    try {
      if (file.toString().endsWith(".ndjson")) {
        return readNdjson(file);
      }
      long size = Files.size(file);
      if (size > MAX_JSON_BYTES) {
        throw new UnusableInputException(
            String.format("%s: %.1f MB is larger than the %d MB a single JSON document may be; give the resources"
                + " as NDJSON (one per line) instead", file, size / 1048576.0, MAX_JSON_BYTES / 1048576));
      }
      return readJson(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    } catch (MalformedInputException e) {
      throw new UnusableInputException(file + ": not UTF-8 text");
    } catch (NoSuchFileException e) {
      throw new UnusableInputException(file + ": no such file");
    } catch (IOException e) {
      throw new UnusableInputException(file + ": cannot be read (" + e.getMessage() + ")");
    }
  }

  private List<InputResource> readNdjson(Path file) throws IOException {
    List<InputResource> resources = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (!line.isBlank()) {
          resources.add(parse(file + " line " + number, tree(file + " line " + number, line), line));
        }
      }
    }
    return resources;
  }

  private List<InputResource> readJson(String source, String text) {
    JsonNode root = tree(source, text);
    if ("Bundle".equals(root.path("resourceType").asText()) && root.has("entry")) {
      List<InputResource> resources = new ArrayList<>();
      int index = 0;
      for (JsonNode entry : root.path("entry")) {
        JsonNode resource = entry.get("resource");
        if (resource != null) {
          resources.add(parse(source + " entry " + index, resource, resource.toString()));
        }
        index++;
      }
      return resources;
    }
    return List.of(parse(source, root, text));
  }

  private static JsonNode tree(String source, String text) {
    try {
      JsonNode node = JSON.readTree(text);
      if (node == null || !node.isObject()) {
        throw new UnusableInputException(source + ": not a JSON object");
      }
      return node;
    } catch (StreamConstraintsException e) {
      throw new UnusableInputException(source + ": " + firstLine(e.getOriginalMessage()));
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
      throw new UnusableInputException(source + ": not valid JSON" + where + ": " + firstLine(e.getOriginalMessage()));
    }
  }

  private InputResource parse(String source, JsonNode node, String json) {
    JsonNode type = node.get("resourceType");
    if (type == null || !type.isTextual()) {
      throw new UnusableInputException(source + ": JSON without a \"resourceType\", so not a FHIR resource");
    }
    try {
      fhirContext.getResourceDefinition(type.asText());
    } catch (DataFormatException e) {
      throw new UnusableInputException(source + ": \"" + type.asText() + "\" is not a FHIR R4 resource type");
    }
    CollectingErrorHandler handler = new CollectingErrorHandler();
    IParser parser = fhirContext.newJsonParser().setParserErrorHandler(handler);
    try {
      Resource resource = (Resource) parser.parseResource(json);
      return new InputResource(source, resource, handler.issues);
    } catch (DataFormatException e) {
      throw new UnusableInputException(source + ": not readable as FHIR " + type.asText() + ": " + firstLine(e.getMessage()));
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no detail";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /** Keeps what the lenient parser would only log: unknown elements and bad values become errors. */
  private static final class CollectingErrorHandler implements IParserErrorHandler {
    final List<ValidationIssue> issues = new ArrayList<>();

    private void add(IParseLocation location, String message, String rule) {
      String path = location == null || location.getParentElementName() == null ? "" : location.getParentElementName();
      issues.add(new ValidationIssue(ValidationIssue.Severity.ERROR, path, message, rule));
    }

    @Override
    public void unknownElement(IParseLocation location, String elementName) {
      add(location, "Unknown element '" + elementName + "' (not in FHIR R4; it would be dropped)", "unknown-element");
    }

    @Override
    public void unknownAttribute(IParseLocation location, String attributeName) {
      add(location, "Unknown attribute '" + attributeName + "'", "unknown-element");
    }

    @Override
    public void unexpectedRepeatingElement(IParseLocation location, String elementName) {
      add(location, "Element '" + elementName + "' repeats but may occur only once", "unexpected-repeat");
    }

    @Override
    public void invalidInternalReference(IParseLocation location, String reference) {
      add(location, "Reference '" + reference + "' points to no contained resource", "invalid-internal-reference");
    }

    @Override
    public void containedResourceWithNoId(IParseLocation location) {
      add(location, "Contained resource without an id", "contained-no-id");
    }

    @Override
    public void unknownReference(IParseLocation location, String reference) {
      // References to resources outside the file are normal.
    }

    @Override
    public void incorrectJsonType(
        IParseLocation location, String elementName, ValueType expected, ScalarType expectedScalar,
        ValueType found, ScalarType foundScalar) {
      add(location, "Element '" + elementName + "' has the wrong JSON type: " + found + " instead of " + expected,
          "json-type");
    }

    @Override
    public void invalidValue(IParseLocation location, String value, String error) {
      add(location, "Invalid value: " + error, "invalid-value");
    }

    @Override
    public void missingRequiredElement(IParseLocation location, String elementName) {
      add(location, "Required element '" + elementName + "' is missing", "missing-element");
    }

    @Override
    public void extensionContainsValueAndNestedExtensions(IParseLocation location) {
      add(location, "Extension has both a value and nested extensions", "extension-value-and-nested");
    }
  }
}
