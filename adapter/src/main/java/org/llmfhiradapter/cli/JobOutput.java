package org.llmfhiradapter.cli;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.llmfhiradapter.publish.ExclusionsCsv;
import org.llmfhiradapter.publish.ResultsJson;
import org.llmfhiradapter.publish.StudyRun;
import org.llmfhiradapter.publish.SummaryText;

/** Prints a finished run and writes its files. */
final class JobOutput {

  private JobOutput() {}

  static void report(StudyRun run, Path outDir, PrintWriter out) throws IOException {
    out.print(SummaryText.render(run));
    if (outDir != null) {
      Files.createDirectories(outDir);
      Path results = outDir.resolve("results.json");
      ResultsJson.write(run, results);
      Path exclusions = outDir.resolve("exclusions.csv");
      ExclusionsCsv.write(run, exclusions);
      out.println("Wrote " + results);
      out.println("Wrote " + exclusions);
      if (run.publication() != null) {
        Path report = outDir.resolve("measurereport.json");
        Files.writeString(report,
            FhirContext.forR4Cached().newJsonParser().setPrettyPrint(true).encodeResourceToString(run.publication().readBack()) + "\n");
        out.println("Wrote " + report + " (as read back from the server)");
      }
    }
    out.flush();
  }
}
