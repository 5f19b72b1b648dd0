package org.llmfhiradapter.analysis.csv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AnalysisTextTest {

  @Test
  void numbersShowFourSignificantDigitsWithoutRoundingAwayWholeDigits() {
    assertThat(AnalysisText.sig(0.011068)).isEqualTo("0.01107");
    assertThat(AnalysisText.sig(327.94)).isEqualTo("327.9");
    assertThat(AnalysisText.sig(221013)).isEqualTo("221013");
    assertThat(AnalysisText.sig(23.0001)).isEqualTo("23");
    assertThat(AnalysisText.sig(1.23456e-7)).isEqualTo("1.235e-07");
  }

  @Test
  void nonFiniteNumbersAreWrittenAsR() {
    assertThat(AnalysisText.sig(Double.NaN)).isEqualTo("NA");
    assertThat(AnalysisText.sig(Double.POSITIVE_INFINITY)).isEqualTo("Inf");
    assertThat(AnalysisText.number(0.25)).isEqualTo("0.25");
    assertThat(AnalysisText.number(12)).isEqualTo("12");
  }

  @Test
  void pValuesBelowMachinePrecisionAreBoundedAsFormatPval() {
    assertThat(AnalysisText.pEquals(1e-300)).isEqualTo("p < 2e-16");
    assertThat(AnalysisText.pEquals(0.0012345)).isEqualTo("p = 0.00123");
  }
}
