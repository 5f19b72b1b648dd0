package org.llmfhiradapter.cli;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.llmfhiradapter.conformance.FileValidation;
import org.llmfhiradapter.conformance.ProfileValidator;
import org.llmfhiradapter.conformance.ResourceFiles;
import org.llmfhiradapter.conformance.ValidationIssue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code validate}: checks FHIR files against our profiles, offline, with the HAPI validator. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Validate FHIR R4 JSON files (a resource, a Bundle, or NDJSON; folders are searched) against the LLM"
          + " profiles, offline. Each resource is checked against the profile of its role, found from its code"
          + " as during a pull (or --profile); a Condition, Procedure or Observation without a role against base"
          + " R4. Warnings every offline check gives (no narrative, code systems that cannot be looked up"
          + " offline) are left out. Resources are read one at a time: NDJSON of any size fits in memory.",
      "Exit code: 0 no errors; 1 errors found (profile rules, values the parser cannot read such as a date"
          + " 2015-02-30, unknown elements); 2 unusable input: a path that does not exist, text that is not UTF-8"
          + " or not JSON, a key twice in one object, no or an unknown resourceType, a Bundle whose entry is not a"
          + " list, a document or NDJSON line over 16 MB, more than 2,000,000 JSON values in a document or"
          + " 200,000 in one resource. Every file is read and reported either way."
    })
final class ValidateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or folders to validate.")
  List<Path> paths;

  @Option(
      names = "--profile",
      paramLabel = "URL",
      description = "Validate every resource against this profile.")
  String profile;

  @Option(
      names = "--format",
      paramLabel = "text|json",
      description = "Output format (default: text).")
  Format format = Format.text;

  enum Format {
    text,
    json
  }

  /** Counts over the whole run, as results stream past. */
  private static final class Totals {
    long resources;
    long errors;
    long warnings;
    long unvalidated;
    long unusable;

    void add(FileValidation.Result result) {
      if (result.input().unusable()) {
        unusable++;
        return;
      }
      resources++;
      errors += result.errors();
      warnings += result.warnings();
      if (!result.validated()) {
        unvalidated++;
      }
    }
  }

  @Override
  public Integer call() throws Exception {
    FhirContext fhir = FhirContext.forR4Cached();
    // Built before the files are read: the set-up's peak and a large file's buffers do not overlap
    // (BoundedMemoryIT's 256 MB heap holds one, not both).
    FileValidation validation = new FileValidation(ProfileValidator.shared(fhir).awaitReady());
    if (profile != null) {
      validation.requireKnownProfile(profile);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Totals totals = new Totals();
    ResourceFiles files = new ResourceFiles(fhir);
    if (format == Format.json) {
      try (JsonGenerator json =
          new ObjectMapper()
              .getFactory()
              .createGenerator(out)
              .configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false)
              .useDefaultPrettyPrinter()) {
        json.writeStartObject();
        json.writeArrayFieldStart("results");
        files.read(
            paths,
            input -> {
              FileValidation.Result result = validation.validate(input, profile);
              totals.add(result);
              write(json, result);
            });
        json.writeEndArray();
        json.writeNumberField("resources", totals.resources);
        json.writeNumberField("errors", totals.errors);
        json.writeNumberField("warnings", totals.warnings);
        json.writeNumberField("unusable", totals.unusable);
        json.writeEndObject();
      }
      out.println();
    } else {
      files.read(
          paths,
          input -> {
            FileValidation.Result result = validation.validate(input, profile);
            totals.add(result);
            print(result, out, err);
          });
      out.printf(
          "%d resources: %d errors, %d warnings; %d without a role in the cohort (not validated)%s%n",
          totals.resources,
          totals.errors,
          totals.warnings,
          totals.unvalidated,
          totals.unusable == 0
              ? ""
              : "; " + totals.unusable + " inputs unusable (see the errors above)");
    }
    out.flush();
    err.flush();
    if (totals.unusable > 0) {
      return Main.EXIT_BAD_INPUT;
    }
    return totals.errors > 0 ? 1 : 0;
  }

  private static void print(FileValidation.Result result, PrintWriter out, PrintWriter err) {
    if (result.input().unusable()) {
      err.println("error: " + result.input().problem());
      return;
    }
    String where = result.input().source() + " " + result.input().reference();
    for (ValidationIssue issue : result.issues()) {
      out.println(where + " " + issue.describe());
    }
  }

  private static void write(JsonGenerator json, FileValidation.Result result) {
    try {
      json.writeStartObject();
      json.writeStringField("source", result.input().source());
      json.writeStringField("resource", result.input().reference());
      json.writeStringField("profile", result.profileUrl());
      if (result.input().unusable()) {
        json.writeBooleanField("unusable", true);
      }
      json.writeArrayFieldStart("issues");
      for (ValidationIssue issue : result.issues()) {
        json.writeStartObject();
        json.writeStringField("severity", issue.severity().name().toLowerCase(Locale.ROOT));
        json.writeStringField("location", issue.location());
        json.writeStringField("message", issue.message());
        json.writeStringField("rule", issue.rule());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
