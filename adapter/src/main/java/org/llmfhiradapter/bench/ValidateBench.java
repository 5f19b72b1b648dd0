package org.llmfhiradapter.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.hl7.fhir.r4.model.Resource;
import org.llmfhiradapter.conformance.FileValidation;
import org.llmfhiradapter.conformance.InputResource;
import org.llmfhiradapter.conformance.ProfileValidator;
import org.llmfhiradapter.fixtures.CaseRenderer;
import org.llmfhiradapter.fixtures.CaseTable;
import org.llmfhiradapter.fixtures.Flavor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench validate}: how much validation costs next to merely parsing the same resources.
 * Cold: building the validator and its first validation. Warm: resources per second on one thread,
 * against a plain HAPI JSON parse of the same resources (the floor any pull pays anyway).
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description =
        "Validator start-up (cold) and throughput (warm, one thread) against a plain parse of the same resources.")
final class ValidateBench implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--cases",
      paramLabel = "CSV",
      description = "Case table rendered as the resource set (default: fixtures/paper/cases.csv).")
  Path cases = Path.of("fixtures", "paper", "cases.csv");

  @Option(
      names = "--seconds",
      paramLabel = "S",
      description = "Measuring time per warm phase (default: 10).")
  double seconds = 10;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    FhirContext fhir = FhirContext.forR4Cached();
    List<String> json = new ArrayList<>();
    IParser writer = fhir.newJsonParser();
    CaseRenderer renderer = new CaseRenderer(Flavor.MCODE);
    CaseTable.read(cases)
        .forEach(
            row ->
                renderer.resources(row).forEach(r -> json.add(writer.encodeResourceToString(r))));

    long start = System.nanoTime();
    ProfileValidator validator = ProfileValidator.shared(fhir);
    FileValidation validation = new FileValidation(validator);
    validation.validate(input(fhir, json.get(0)), null);
    double coldSeconds = (System.nanoTime() - start) / 1e9;

    double parseRate = rate(json, text -> fhir.newJsonParser().parseResource(text));
    double validateRate = rate(json, text -> validation.validate(input(fhir, text), null));

    out.printf(Locale.ROOT, "resources in the set: %d (from %s)%n", json.size(), cases);
    out.printf(
        Locale.ROOT, "cold: validator built and first resource validated in %.1f s%n", coldSeconds);
    out.printf(
        Locale.ROOT,
        "warm, one thread: parse only %.0f resources/s; parse + classify + validate %.0f resources/s%n",
        parseRate,
        validateRate);
    out.printf(Locale.ROOT, "validation costs %.1fx a plain parse%n", parseRate / validateRate);
    out.flush();
    return 0;
  }

  private static InputResource input(FhirContext fhir, String text) {
    return new InputResource(
        "bench", (Resource) fhir.newJsonParser().parseResource(text), List.of());
  }

  /** Resources per second over the set, after one untimed round to warm up. */
  private double rate(List<String> json, java.util.function.Consumer<String> work) {
    json.forEach(work);
    long done = 0;
    long start = System.nanoTime();
    long limit = start + (long) (seconds * 1e9);
    while (System.nanoTime() < limit) {
      for (String text : json) {
        work.accept(text);
      }
      done += json.size();
    }
    return done / ((System.nanoTime() - start) / 1e9);
  }
}
