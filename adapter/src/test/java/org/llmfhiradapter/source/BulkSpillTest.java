package org.llmfhiradapter.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spill of a bulk export: lines filed per patient on disk, a file's lines kept or forgotten as a unit. */
class BulkSpillTest {

  private static final String PATIENT = "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"gender\":\"female\"}";
  private static final String CONDITION =
      "{\"resourceType\":\"Condition\",\"id\":\"c1\",\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"Patient/p1\"}}";
  private static final String OBSERVATION = "{\"resourceType\":\"Observation\",\"id\":\"o1\","
      + "\"subject\":{\"display\":\"x\",\"reference\":\"https://ehr.example/fhir/Patient/p2/_history/3\"}}";

  @TempDir Path dir;

  @Test
  void linesAreFiledUnderThePatientTheyBelongTo() throws IOException {
    try (BulkSpill spill = new BulkSpill(dir)) {
      spill.begin();
      assertThat(spill.add(PATIENT)).isEqualTo("Patient");
      assertThat(spill.add(CONDITION)).isEqualTo("Condition");
      assertThat(spill.add(OBSERVATION)).isEqualTo("Observation");
      assertThat(spill.add("{\"resourceType\":\"Observation\",\"id\":\"o2\",\"subject\":{\"reference\":\"Group/g\"}}"))
          .isNull();
      spill.commit();

      assertThat(spill.patients()).containsExactlyInAnyOrder("p1", "p2");
      assertThat(spill.lines("p1")).containsExactly(PATIENT, CONDITION);
      assertThat(spill.lines("p2")).containsExactly(OBSERVATION);
      assertThat(spill.lines("p3")).isEmpty();
      assertThat(spill.unfiled()).isEqualTo(1);
    }
  }

  @Test
  void aFileRolledBackLeavesNoLineAndTheNextAttemptFilesItOnce() throws IOException {
    try (BulkSpill spill = new BulkSpill(dir)) {
      spill.begin();
      spill.add(PATIENT);
      spill.commit();

      spill.begin();
      spill.add(CONDITION);
      spill.add(OBSERVATION);
      spill.rollBack();
      assertThat(spill.patients()).containsExactly("p1");
      assertThat(spill.lines("p1")).containsExactly(PATIENT);

      spill.begin();
      spill.add(CONDITION);
      spill.add(OBSERVATION);
      spill.commit();
      assertThat(spill.lines("p1")).containsExactly(PATIENT, CONDITION);
      assertThat(spill.lines("p2")).containsExactly(OBSERVATION);
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
  void theSpillFileIsGoneWhenClosed() throws IOException {
    BulkSpill spill = new BulkSpill(dir);
    spill.begin();
    spill.add(PATIENT);
    spill.commit();
    assertThat(Files.list(dir).count()).isEqualTo(1);
    spill.close();
    assertThat(Files.list(dir).count()).isZero();
  }
}
