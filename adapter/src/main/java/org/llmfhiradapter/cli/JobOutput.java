package org.llmfhiradapter.cli;

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
      out.println("Wrote " + results + " and " + exclusions);
    }
    out.flush();
  }
}
