package org.llmfhiradapter.cli;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.llmfhiradapter.publish.CohortCsv;
import org.llmfhiradapter.publish.ExclusionsCsv;
import org.llmfhiradapter.publish.ReportHtml;
import org.llmfhiradapter.publish.ResultsJson;
import org.llmfhiradapter.publish.StudyPlots;
import org.llmfhiradapter.publish.StudyRun;
import org.llmfhiradapter.publish.SummaryText;

/** Prints a finished run and writes its files. */
final class JobOutput {

  private JobOutput() {}

  static void report(StudyRun run, JobOptions options, PrintWriter out) throws IOException {
    Path outDir = options.outDir;
    out.print(SummaryText.render(run));
    if (outDir != null) {
      Files.createDirectories(outDir);
      Path results = outDir.resolve("results.json");
      ResultsJson.write(run, results);
      Path cohort = outDir.resolve("cohort.csv");
      CohortCsv.write(run, cohort);
      out.println("Wrote " + cohort + " (de-identified case table)");
      Path exclusions = outDir.resolve("exclusions.csv");
      ExclusionsCsv.write(run, exclusions);
      out.println("Wrote " + results);
      out.println("Wrote " + exclusions);
      List<Path> plots =
          StudyPlots.write(run.result(), outDir, run.suppression(), options.plotFormats);
      if (!plots.isEmpty()) {
        out.println(
            "Wrote "
                + plots.size()
                + " Kaplan-Meier plot files ("
                + options.plotFormats.stream()
                    .distinct()
                    .map(format -> outDir.resolve("km-*" + format.extension()).toString())
                    .collect(java.util.stream.Collectors.joining(", "))
                + ")");
      }
      Path summary = outDir.resolve("summary.txt");
      Files.writeString(summary, SummaryText.render(run));
      Path html = outDir.resolve("report.html");
      Files.writeString(html, ReportHtml.render(run));
      out.println(
          "Wrote "
              + html
              + " (the study report: open it in a browser, print it on A4) and "
              + summary);
      if (run.publication() != null) {
        Path report = outDir.resolve("measurereport.json");
        Files.writeString(
            report,
            FhirContext.forR4Cached()
                    .newJsonParser()
                    .setPrettyPrint(true)
                    .encodeResourceToString(run.publication().readBack())
                + "\n");
        out.println("Wrote " + report + " (as read back from the server)");
      }
    }
    out.flush();
  }
}
