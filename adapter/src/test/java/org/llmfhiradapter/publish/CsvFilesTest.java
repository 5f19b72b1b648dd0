package org.llmfhiradapter.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmfhiradapter.analysis.StudyAnalysis;
import org.llmfhiradapter.cohort.Cohort;
import org.llmfhiradapter.cohort.Exclusion;
import org.llmfhiradapter.cohort.ExclusionReason;
import org.llmfhiradapter.fixtures.CaseTable;
import org.llmfhiradapter.fixtures.ExpectedRecord;

/**
 * cohort.csv and exclusions.csv read back as a spreadsheet or R reads them, whatever the messages
 * hold.
 */
class CsvFilesTest {

  private static final LocalDate CUTOFF = LocalDate.of(2026, 11, 30);

  @TempDir Path dir;

  @Test
  void anExclusionMessageWithCommasQuotesAndLineBreaksStaysOneCell() throws Exception {
    String message = "Procedure/p7 \"hepatectomy\", dated 2001-02-30,\r\nwhich is no date";
    StudyRun run =
        run(
            List.of(
                new Exclusion(
                    "p7", ExclusionReason.NO_HEPATIC_RESECTION, "Procedure/p7", message)));
    Path file = dir.resolve("exclusions.csv");

    ExclusionsCsv.write(run, file);

    List<CSVRecord> rows = read(file);
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).toList())
        .containsExactly("Patient/p7", "no-hepatic-resection", "Procedure/p7", message);
  }

  @Test
  void theCohortTableHasItsHeaderAndOneRowPerIncludedPatient() throws Exception {
    StudyRun run = run(List.of());
    Path file = dir.resolve("cohort.csv");

    CohortCsv.write(run, file);

    assertThat(Files.readString(file)).startsWith(CohortCsv.HEADER + "\n");
    List<CSVRecord> rows = read(file);
    assertThat(rows).hasSize(run.result().cohort().included().size());
    assertThat(rows.get(0).get("row")).isEqualTo("1");
    assertThat(rows.get(0).size()).isEqualTo(CohortCsv.HEADER.split(",").length);
  }

  private static List<CSVRecord> read(Path file) throws Exception {
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return CSVFormat.RFC4180
          .builder()
          .setHeader()
          .setSkipHeaderRecord(true)
          .get()
          .parse(in)
          .getRecords();
    }
  }

  private static StudyRun run(List<Exclusion> excluded) {
    List<org.llmfhiradapter.cohort.CaseRecord> records =
        CaseTable.read(Path.of("../fixtures/paper/cases.csv")).stream()
            .map(row -> ExpectedRecord.of(row, CUTOFF))
            .toList();
    return new StudyRun(
        RunLineage.of(List.of()),
        new StudyAnalysis("paper", CUTOFF).analyze(new Cohort(records, excluded, List.of())),
        null,
        CellSuppression.NONE);
  }
}
