package org.llmfhiradapter.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spill of a bulk export: lines filed per patient on disk, a file's lines kept or forgotten as
 * a unit, files written side by side and read back in manifest order.
 */
class BulkSpillTest {

  private static final String PATIENT =
      "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"gender\":\"female\"}";
  private static final String CONDITION =
      "{\"resourceType\":\"Condition\",\"id\":\"c1\",\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"Patient/p1\"}}";
  private static final String OBSERVATION =
      "{\"resourceType\":\"Observation\",\"id\":\"o1\","
          + "\"subject\":{\"display\":\"x\",\"reference\":\"https://ehr.example/fhir/Patient/p2/_history/3\"}}";

  @TempDir Path dir;

  @Test
  void linesAreFiledUnderThePatientTheyBelongTo() throws IOException {
    try (BulkSpill spill = new BulkSpill(dir)) {
      BulkSpill.Writer writer = spill.writer();
      writer.begin(0);
      assertThat(writer.add(PATIENT)).isEqualTo("Patient");
      assertThat(writer.add(CONDITION)).isEqualTo("Condition");
      assertThat(writer.add(OBSERVATION)).isEqualTo("Observation");
      assertThat(
              writer.add(
                  "{\"resourceType\":\"Observation\",\"id\":\"o2\",\"subject\":{\"reference\":\"Group/g\"}}"))
          .isNull();
      writer.commit();

      assertThat(spill.patients()).containsExactlyInAnyOrder("p1", "p2");
      assertThat(spill.lines("p1")).containsExactly(PATIENT, CONDITION);
      assertThat(spill.lines("p2")).containsExactly(OBSERVATION);
      assertThat(spill.lines("p3")).isEmpty();
      assertThat(spill.unfiled()).isEqualTo(1);
    }
  }

  @Test
  void linesOfAFileNotYetCompleteAreNotReadBack() throws IOException {
    try (BulkSpill spill = new BulkSpill(dir)) {
      BulkSpill.Writer writer = spill.writer();
      writer.begin(0);
      writer.add(PATIENT);
      assertThat(spill.has("p1")).isFalse();
      writer.commit();
      assertThat(spill.has("p1")).isTrue();
    }
  }

  @Test
  void aFileRolledBackLeavesNoLineAndTheNextAttemptFilesItOnce() throws IOException {
    try (BulkSpill spill = new BulkSpill(dir)) {
      BulkSpill.Writer writer = spill.writer();
      writer.begin(0);
      writer.add(PATIENT);
      writer.commit();

      writer.begin(1);
      writer.add(CONDITION);
      writer.add(OBSERVATION);
      writer.rollBack();
      assertThat(spill.patients()).containsExactly("p1");
      assertThat(spill.lines("p1")).containsExactly(PATIENT);
      assertThat(Files.size(onlySpillFile())).isEqualTo(PATIENT.length() + 1);

      writer.begin(1);
      writer.add(CONDITION);
      writer.add(OBSERVATION);
      writer.commit();
      assertThat(spill.lines("p1")).containsExactly(PATIENT, CONDITION);
      assertThat(spill.lines("p2")).containsExactly(OBSERVATION);
      assertThat(spill.filed()).as("the rolled-back attempt is not counted").isEqualTo(3);
    }
  }

  @Test
  void filesWrittenSideBySideReadBackInManifestOrderWhicheverEndedFirst() throws IOException {
    String secondCondition = CONDITION.replace("\"c1\"", "\"c2\"");
    try (BulkSpill spill = new BulkSpill(dir)) {
      BulkSpill.Writer first = spill.writer();
      BulkSpill.Writer second = spill.writer();
      first.begin(0);
      second.begin(1);
      second.add(CONDITION);
      first.add(PATIENT);
      second.add(secondCondition);
      second.commit(); // the later file of the manifest ends first
      first.commit();

      assertThat(spill.lines("p1")).containsExactly(PATIENT, CONDITION, secondCondition);
      assertThat(Files.list(dir).count()).isEqualTo(2);
    }
  }

  @Test
  void aLineCutShortIsRefused() {
    assertThatThrownBy(() -> BulkSpill.filed(CONDITION.substring(0, CONDITION.length() - 20)))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> BulkSpill.filed("[1,2]")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> BulkSpill.filed(PATIENT + PATIENT)).isInstanceOf(IOException.class);
  }

  @Test
  void theSpillFilesAreGoneWhenClosed() throws IOException {
    BulkSpill spill = new BulkSpill(dir);
    BulkSpill.Writer writer = spill.writer();
    writer.begin(0);
    writer.add(PATIENT);
    writer.commit();
    spill.writer();
    assertThat(Files.list(dir).count()).isEqualTo(2);
    spill.close();
    assertThat(Files.list(dir).count()).isZero();
  }

  private Path onlySpillFile() throws IOException {
    try (var files = Files.list(dir)) {
      return files.findFirst().orElseThrow();
    }
  }
}
