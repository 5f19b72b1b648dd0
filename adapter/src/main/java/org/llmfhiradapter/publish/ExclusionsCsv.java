package org.llmfhiradapter.publish;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.commons.csv.CSVPrinter;
import org.llmfhiradapter.cohort.Exclusion;

/**
 * exclusions.csv: one row per excluded patient with the rule, the resource at fault and what would
 * fix it, for the people who can correct the charts. It names records on the source server (ids,
 * not names or dates): keep it where the EHR's data may be kept.
 */
public final class ExclusionsCsv {

  private ExclusionsCsv() {}

  public static void write(StudyRun run, Path file) throws IOException {
    try (CSVPrinter out = CsvOut.open(file, "patient", "reason", "resource", "message")) {
      for (Exclusion exclusion : run.result().cohort().excluded()) {
        out.printRecord(
            "Patient/" + exclusion.patientId(),
            exclusion.reason().code(),
            exclusion.resource(),
            exclusion.message());
      }
    }
  }
}
