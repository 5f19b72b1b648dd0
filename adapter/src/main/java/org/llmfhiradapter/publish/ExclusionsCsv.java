package org.llmfhiradapter.publish;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.llmfhiradapter.cohort.Exclusion;

/**
 * exclusions.csv: one row per excluded patient with the rule, the resource at fault and what would fix it,
 * for the people who can correct the charts. It names records on the source server (ids, not names or
 * dates): keep it where the EHR's data may be kept.
 */
public final class ExclusionsCsv {

  private ExclusionsCsv() {}

  public static void write(StudyRun run, Path file) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("patient,reason,resource,message\n");
      for (Exclusion exclusion : run.result().cohort().excluded()) {
        out.write(String.join(",",
            cell("Patient/" + exclusion.patientId()), cell(exclusion.reason().code()), cell(exclusion.resource()),
            cell(exclusion.message())));
        out.write("\n");
      }
    }
  }

  static String cell(String value) {
    if (value == null) {
      return "";
    }
    if (value.contains(",") || value.contains("\"") || value.contains("\n")) {
      return "\"" + value.replace("\"", "\"\"") + "\"";
    }
    return value;
  }
}
