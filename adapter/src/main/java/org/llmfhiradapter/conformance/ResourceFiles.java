package org.llmfhiradapter.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.IParserErrorHandler;
import ca.uhn.fhir.parser.json.BaseJsonLikeValue.ScalarType;
import ca.uhn.fhir.parser.json.BaseJsonLikeValue.ValueType;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Resource;

/**
 * Reads resources to validate from files: a JSON resource, a JSON Bundle (each entry's resource),
 * or NDJSON (one resource per line); a folder means its {@code .json} and {@code .ndjson} files.
 * Resources are handed on one at a time and not kept, so NDJSON of any size is read in bounded
 * memory. What cannot be read as a FHIR resource (a missing file, text that is not UTF-8 or not
 * JSON, duplicate keys, no or an unknown resourceType, a Bundle whose entry is not a list, a
 * document or line over {@link #MAX_JSON_BYTES}, more JSON values than {@link
 * #MAX_VALUES_PER_DOCUMENT} or {@link #MAX_VALUES_PER_RESOURCE}) is handed on as unusable input
 * naming the source, and the rest is still read. Elements the FHIR parser does not know, and values
 * it cannot read (a date 2015-02-30), are kept as errors of that resource, so nothing is silently
 * dropped.
 */
public final class ResourceFiles {

  /** A single JSON document, or one NDJSON line, larger than this is refused. */
  public static final long MAX_JSON_BYTES = 16L * 1024 * 1024;

  /**
   * JSON values (objects, arrays, strings, numbers, ...) one document may hold: bounds the memory
   * of a parse.
   */
  public static final int MAX_VALUES_PER_DOCUMENT = 2_000_000;

  /** JSON values one resource may hold: more is not a chart (a Patient with 100,000 names). */
  public static final int MAX_VALUES_PER_RESOURCE = 200_000;

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private final FhirContext fhirContext;

  public ResourceFiles(FhirContext fhirContext) {
    this.fhirContext = fhirContext;
  }

  /** Every resource in the paths, in order (for small inputs: all of them are kept). */
  public List<InputResource> read(List<Path> paths) {
    List<InputResource> resources = new ArrayList<>();
    read(paths, resources::add);
    return resources;
  }

  /** Hands every resource in the paths, in order, to {@code each}; none is kept here. */
  public void read(List<Path> paths, Consumer<InputResource> each) {
    for (Path path : paths) {
      List<Path> files;
      try {
        files = files(path);
      } catch (UnusableInputException e) {
        each.accept(InputResource.unusable(path.toString(), e.getMessage()));
        continue;
      }
      for (Path file : files) {
        readFile(file, each);
      }
    }
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
        throw new UnusableInputException(
            path + ": cannot list the folder (" + e.getMessage() + ")");
      }
    }
    if (!Files.exists(path)) {
      throw new UnusableInputException(path + ": no such file");
    }
    return List.of(path);
  }

  private void readFile(Path file, Consumer<InputResource> each) {
    String source = file.toString();
    try {
      if (source.endsWith(".ndjson")) {
        readNdjson(file, each);
        return;
      }
      long size = Files.size(file);
      if (size > MAX_JSON_BYTES) {
        throw new UnusableInputException(
            String.format(
                "%s: %.1f MB is larger than the %d MB a single JSON document may be; give the resources"
                    + " as NDJSON (one per line) instead",
                file, size / 1048576.0, MAX_JSON_BYTES / 1048576));
      }
      readJson(source, Files.readString(file, StandardCharsets.UTF_8), each);
    } catch (UnusableInputException e) {
      each.accept(InputResource.unusable(source, e.getMessage()));
    } catch (MalformedInputException e) {
      each.accept(InputResource.unusable(source, file + ": not UTF-8 text"));
    } catch (NoSuchFileException e) {
      each.accept(InputResource.unusable(source, file + ": no such file"));
    } catch (IOException e) {
      each.accept(
          InputResource.unusable(source, file + ": cannot be read (" + e.getMessage() + ")"));
    }
  }

  private void readNdjson(Path file, Consumer<InputResource> each) throws IOException {
    try (BoundedLines lines =
        new BoundedLines(Files.newBufferedReader(file, StandardCharsets.UTF_8), MAX_JSON_BYTES)) {
      String line;
      while ((line = lines.next()) != null) {
        String source = file + " line " + lines.number();
        if (lines.tooLong()) {
          each.accept(
              InputResource.unusable(
                  source,
                  source
                      + ": longer than the "
                      + MAX_JSON_BYTES / 1048576
                      + " MB one resource may be; refused"));
        } else if (!line.isBlank()) {
          each.accept(readOne(source, line));
        }
      }
    } catch (MalformedInputException e) {
      each.accept(InputResource.unusable(file.toString(), file + ": not UTF-8 text"));
    }
  }

  /** One NDJSON line or one JSON document holding a single resource; never throws for bad input. */
  private InputResource readOne(String source, String text) {
    try {
      countValues(source, text);
      JsonNode node = tree(source, text);
      return parse(source, node, text);
    } catch (UnusableInputException e) {
      return InputResource.unusable(source, e.getMessage());
    }
  }

  private void readJson(String source, String text, Consumer<InputResource> each) {
    countValues(source, text);
    JsonNode root = tree(source, text);
    if ("Bundle".equals(root.path("resourceType").asText()) && root.has("entry")) {
      JsonNode entries = root.get("entry");
      if (!entries.isArray()) {
        throw new UnusableInputException(
            source
                + ": Bundle.entry is "
                + entries.getNodeType().name().toLowerCase(Locale.ROOT)
                + ", not a list of entries");
      }
      int index = 0;
      for (JsonNode entry : entries) {
        String where = source + " entry " + index++;
        if (!entry.isObject()) {
          each.accept(
              InputResource.unusable(where, where + ": not a Bundle entry (a JSON object)"));
          continue;
        }
        JsonNode resource = entry.get("resource");
        if (resource != null) {
          each.accept(readEntry(where, resource));
        }
      }
      return;
    }
    each.accept(parse(source, root, text));
  }

  private InputResource readEntry(String source, JsonNode resource) {
    try {
      if (!resource.isObject()) {
        throw new UnusableInputException(source + ": the entry's resource is not a JSON object");
      }
      return parse(source, resource, resource.toString());
    } catch (UnusableInputException e) {
      return InputResource.unusable(source, e.getMessage());
    }
  }

  /** Counts the JSON values of a document by streaming it, before any tree is built. */
  private static void countValues(String source, String text) {
    try (JsonParser parser = JSON.getFactory().createParser(text)) {
      int values = 0;
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        if (token != JsonToken.FIELD_NAME
            && token != JsonToken.END_OBJECT
            && token != JsonToken.END_ARRAY
            && ++values > MAX_VALUES_PER_DOCUMENT) {
          throw new UnusableInputException(
              source
                  + ": more than "
                  + MAX_VALUES_PER_DOCUMENT
                  + " JSON values in one document; refused (split it,"
                  + " or give one resource per NDJSON line)");
        }
      }
    } catch (StreamConstraintsException e) {
      throw new UnusableInputException(source + ": " + firstLine(e.getOriginalMessage()));
    } catch (JsonProcessingException e) {
      // Reported with its location when the tree is read.
    } catch (IOException e) {
      throw new UnusableInputException(source + ": cannot be read (" + e.getMessage() + ")");
    }
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
      String where =
          e.getLocation() == null
              ? ""
              : " (line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr()
                  + ")";
      String what =
          e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")
              ? "a key appears twice in one object, so the JSON is ambiguous"
                  + where
                  + ": "
                  + firstLine(e.getOriginalMessage())
              : "not valid JSON" + where + ": " + firstLine(e.getOriginalMessage());
      throw new UnusableInputException(source + ": " + what);
    }
  }

  private InputResource parse(String source, JsonNode node, String json) {
    JsonNode type = node.get("resourceType");
    if (type == null || !type.isTextual()) {
      throw new UnusableInputException(
          source + ": JSON without a \"resourceType\", so not a FHIR resource");
    }
    if (type.asText().isBlank()) {
      throw new UnusableInputException(
          source + ": \"resourceType\" is empty, so not a FHIR resource");
    }
    try {
      fhirContext.getResourceDefinition(type.asText());
    } catch (DataFormatException e) {
      throw new UnusableInputException(
          source + ": \"" + type.asText() + "\" is not a FHIR R4 resource type");
    }
    int values = count(node, 0);
    if (values > MAX_VALUES_PER_RESOURCE) {
      throw new UnusableInputException(
          source
              + ": a "
              + type.asText()
              + " with more than "
              + MAX_VALUES_PER_RESOURCE
              + " JSON values; no chart"
              + " holds one so large, refused");
    }
    CollectingErrorHandler handler = new CollectingErrorHandler();
    IParser parser = fhirContext.newJsonParser().setParserErrorHandler(handler);
    try {
      Resource resource = (Resource) parser.parseResource(json);
      return new InputResource(source, resource, handler.issues);
    } catch (DataFormatException | IllegalArgumentException e) {
      throw new UnusableInputException(
          source + ": not readable as FHIR " + type.asText() + ": " + firstLine(e.getMessage()));
    }
  }

  /** The number of values in a tree, stopping once past the limit. */
  private static int count(JsonNode node, int sofar) {
    int total = sofar + 1;
    if (node.isContainerNode()) {
      for (JsonNode child : node) {
        total = count(child, total);
        if (total > MAX_VALUES_PER_RESOURCE) {
          return total;
        }
      }
    }
    return total;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no detail";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /**
   * Keeps what the lenient parser would only log: unknown elements and bad values become errors.
   */
  private static final class CollectingErrorHandler implements IParserErrorHandler {
    final List<ValidationIssue> issues = new ArrayList<>();

    private void add(IParseLocation location, String message, String rule) {
      String path =
          location == null || location.getParentElementName() == null
              ? ""
              : location.getParentElementName();
      issues.add(new ValidationIssue(ValidationIssue.Severity.ERROR, path, message, rule));
    }

    @Override
    public void unknownElement(IParseLocation location, String elementName) {
      add(
          location,
          "Unknown element '" + elementName + "' (not in FHIR R4; it would be dropped)",
          "unknown-element");
    }

    @Override
    public void unknownAttribute(IParseLocation location, String attributeName) {
      add(location, "Unknown attribute '" + attributeName + "'", "unknown-element");
    }

    @Override
    public void unexpectedRepeatingElement(IParseLocation location, String elementName) {
      add(
          location,
          "Element '" + elementName + "' repeats but may occur only once",
          "unexpected-repeat");
    }

    @Override
    public void invalidInternalReference(IParseLocation location, String reference) {
      add(
          location,
          "Reference '" + reference + "' points to no contained resource",
          "invalid-internal-reference");
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
        IParseLocation location,
        String elementName,
        ValueType expected,
        ScalarType expectedScalar,
        ValueType found,
        ScalarType foundScalar) {
      add(
          location,
          "Element '"
              + elementName
              + "' has the wrong JSON type: "
              + found
              + " instead of "
              + expected,
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
      add(
          location,
          "Extension has both a value and nested extensions",
          "extension-value-and-nested");
    }
  }
}
