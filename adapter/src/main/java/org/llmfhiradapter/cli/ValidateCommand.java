package org.llmfhiradapter.cli;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.llmfhiradapter.conformance.FileValidation;
import org.llmfhiradapter.conformance.InputResource;
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
          + " as during a pull (or --profile). Warnings every offline check gives (no narrative, code systems"
          + " that cannot be looked up offline) are left out.",
      "Exit code: 0 no errors, 1 errors found, 2 unusable input (unreadable, not JSON, not FHIR)."
    })
final class ValidateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or folders to validate.")
  List<Path> paths;

  @Option(names = "--profile", paramLabel = "URL", description = "Validate every resource against this profile.")
  String profile;

  @Option(names = "--format", paramLabel = "text|json", description = "Output format (default: text).")
  Format format = Format.text;

  enum Format {
    text,
    json
  }

  @Override
  public Integer call() throws Exception {
    FhirContext fhir = FhirContext.forR4Cached();
    List<InputResource> inputs = new ResourceFiles(fhir).read(paths);
    FileValidation validation = new FileValidation(ProfileValidator.shared(fhir));
    if (profile != null) {
      validation.requireKnownProfile(profile);
    }
    List<FileValidation.Result> results = new ArrayList<>();
    for (InputResource input : inputs) {
      results.add(validation.validate(input, profile));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (format == Format.json) {
      out.println(json(results));
    } else {
      text(results, out);
    }
    out.flush();
    return results.stream().anyMatch(r -> r.errors() > 0) ? 1 : 0;
  }

  private static void text(List<FileValidation.Result> results, PrintWriter out) {
    long errors = 0;
    long warnings = 0;
    long unvalidated = 0;
    for (FileValidation.Result result : results) {
      String where = result.input().source() + " " + result.input().reference();
      if (!result.validated()) {
        unvalidated++;
      }
      for (ValidationIssue issue : result.issues()) {
        out.println(where + " " + issue.describe());
      }
      errors += result.errors();
      warnings += result.warnings();
    }
    out.printf("%d resources: %d errors, %d warnings; %d without a role in the cohort (not validated)%n",
        results.size(), errors, warnings, unvalidated);
  }

  private static String json(List<FileValidation.Result> results) throws Exception {
    List<Map<String, Object>> items = new ArrayList<>();
    for (FileValidation.Result result : results) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("source", result.input().source());
      item.put("resource", result.input().reference());
      item.put("profile", result.profileUrl());
      List<Map<String, Object>> issues = new ArrayList<>();
      for (ValidationIssue issue : result.issues()) {
        Map<String, Object> i = new LinkedHashMap<>();
        i.put("severity", issue.severity().name().toLowerCase(java.util.Locale.ROOT));
        i.put("location", issue.location());
        i.put("message", issue.message());
        i.put("rule", issue.rule());
        issues.add(i);
      }
      item.put("issues", issues);
      items.add(item);
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("resources", results.size());
    root.put("errors", results.stream().mapToLong(FileValidation.Result::errors).sum());
    root.put("warnings", results.stream().mapToLong(FileValidation.Result::warnings).sum());
    root.put("results", items);
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
  }
}
