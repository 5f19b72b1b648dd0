package org.llmfhiradapter.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** llm.source.patients=file:PATH, as a registry exports it. */
class PatientListTest {

  @TempDir Path dir;

  @Test
  void idsOnePerLineWithCommentsBlankLinesAPrefixAndRepeats() throws Exception {
    Path list = dir.resolve("ids.txt");
    Files.writeString(
        list,
        "# exported 2026-11-30\n\nPatient/e63wRTbPfr1p8UW81d8Seiw3\n  12724066  \ne63wRTbPfr1p8UW81d8Seiw3\n");

    assertThat(FhirSource.fromFile(list)).containsExactly("e63wRTbPfr1p8UW81d8Seiw3", "12724066");
  }

  @Test
  void aLineThatIsNoIdIsNamedByItsNumberNotItsText() throws Exception {
    Path list = dir.resolve("ids.txt");
    Files.writeString(
        list, "12724066\n# the next one was pasted from the chart\nSmith, John 1960-04-02\n");

    assertThatThrownBy(() -> FhirSource.fromFile(list))
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("Patient list " + list + " line 3 is not a FHIR Patient id")
        .hasMessageNotContaining("Smith")
        .hasMessageNotContaining("1960");
  }
}
