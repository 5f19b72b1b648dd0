package org.llmfhiradapter.analysis.csv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AnalysisInputTest {

  @Test
  void cellsArePlainDecimalNumbersAsASpreadsheetWritesThem() {
    assertThat("12 -3 +4.5 .5 5. 1e3 2.5E-2 0".split(" ")).allMatch(AnalysisInput::isPlainNumber);
    assertThat(
            new String[] {
              "", "-", ".", "e3", "1e", "NaN", "Infinity", "0x1p3", "1d", "1,5", "1 2", "٣"
            })
        .noneMatch(AnalysisInput::isPlainNumber);
  }
}
