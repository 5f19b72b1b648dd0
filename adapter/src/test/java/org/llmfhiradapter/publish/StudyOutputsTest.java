package org.llmfhiradapter.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmfhiradapter.analysis.FactorResult;
import org.llmfhiradapter.analysis.StudyAnalysis;
import org.llmfhiradapter.analysis.StudyResult;
import org.llmfhiradapter.analysis.SurvivalJson;
import org.llmfhiradapter.cohort.CaseRecord;
import org.llmfhiradapter.cohort.Cohort;
import org.llmfhiradapter.fixtures.CaseTable;
import org.llmfhiradapter.fixtures.ExpectedRecord;
import org.llmfhiradapter.plot.PlotFile;

/**
 * The study's plots and results say the same about the same patients, and carry what a reader
 * checks next.
 */
class StudyOutputsTest {

  private static final LocalDate CUTOFF = LocalDate.of(2026, 11, 30);

  private final StudyResult paper = paperResult();

  @Test
  void theRecurrencePatternPlotDrawsOnlyThePatientsItsLogRankPCompares() {
    FactorResult pattern = factor("recurrence_pattern");
    int withoutRecurrence =
        pattern.levels().stream()
            .filter(l -> l.level().equals("none"))
            .mapToInt(l -> l.survival().n())
            .sum();
    assertThat(withoutRecurrence)
        .as("the paper's cohort has patients who did not recur")
        .isPositive();

    String svg = StudyPlots.render(paper).get("km-os-recurrence-pattern.svg");

    assertThat(svg).doesNotContain("No recurrence");
    assertThat(svg.split("class=\"curve\"")).hasSize(pattern.testedLevels().size() + 1);
    assertThat(svg)
        .contains(
            "among the patients who recurred; "
                + withoutRecurrence
                + " without recurrence not shown");
  }

  @Test
  void everyPlotIsWrittenInEachFormatAskedForUnderItsOwnName(@TempDir Path dir) throws Exception {
    List<Path> written =
        StudyPlots.write(
            paper,
            dir,
            CellSuppression.NONE,
            List.of(PlotFile.Format.PNG, PlotFile.Format.PDF, PlotFile.Format.PNG));

    Map<String, String> plots = StudyPlots.render(paper);
    assertThat(written).hasSize(2 * plots.size());
    for (String svgName : plots.keySet()) {
      String name = svgName.replace(".svg", "");
      assertThat(ImageIO.read(dir.resolve(name + ".png").toFile())).as(name).isNotNull();
      assertThat(Files.readAllBytes(dir.resolve(name + ".pdf")))
          .as(name)
          .startsWith("%PDF-".getBytes(StandardCharsets.US_ASCII));
      assertThat(dir.resolve(svgName)).as("svg was not asked for").doesNotExist();
    }
  }

  @Test
  void everyOtherFactorDrawsEveryLevelItTests() {
    Map<String, String> plots = StudyPlots.render(paper);
    for (FactorResult factor : paper.factors()) {
      String svg = plots.get("km-os-" + factor.factor().replace('_', '-') + ".svg");
      if (svg != null && !factor.factor().equals("recurrence_pattern")) {
        assertThat(svg.split("class=\"curve\""))
            .as(factor.factor())
            .hasSize(factor.levels().size() + 1);
        assertThat(factor.testedLevels())
            .as(factor.factor())
            .containsExactlyElementsOf(
                factor.levels().stream().map(FactorResult.Level::level).toList());
      }
    }
  }

  @Test
  void theCoxModelOfTheStudyComesWithItsProportionalHazardsCheckPerFactorAndGlobal() {
    List<SurvivalJson.ZphRow> table =
        ResultsJson.cox(paper.cox(), CellSuppression.NONE).proportionalHazards().table();

    assertThat(table)
        .extracting(SurvivalJson.ZphRow::term)
        .containsExactly(
            "primary_r0", "primary_resection_to_llm_ge_12", "largest_llm_lt_5cm", "rfa", "GLOBAL");
    assertThat(table).allSatisfy(row -> assertThat(row.fails()).isEqualTo(row.p() < 0.05));
    assertThat(table.get(4).df()).isEqualTo(4);
  }

  @Test
  void theReportIsOneSelfContainedDocumentWithEverySectionFigureAndFactor() throws Exception {
    String html = ReportHtml.render(paperRun(CellSuppression.NONE));

    org.w3c.dom.Document doc =
        javax.xml.parsers.DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new org.xml.sax.InputSource(new java.io.StringReader(html)));
    List<String> sections = new java.util.ArrayList<>();
    org.w3c.dom.NodeList found = doc.getElementsByTagName("section");
    for (int i = 0; i < found.getLength(); i++) {
      sections.add(((org.w3c.dom.Element) found.item(i)).getAttribute("id"));
    }
    assertThat(sections)
        .containsExactly("flow", "table1", "survival", "factors", "cox", "data-quality", "methods");
    int plots = StudyPlots.render(paper).size();
    assertThat(doc.getElementsByTagName("figure").getLength())
        .as("every plot and the forest plot")
        .isEqualTo(plots + 1);
    for (FactorResult factor : paper.factors()) {
      assertThat(html).contains("class=\"factor-" + factor.factor() + "\"");
    }
    assertThat(html)
        .containsPattern(
            "Age at resection \\(years\\)</td><td>median [0-9.]+ \\(IQR [0-9.]+&#8211;[0-9.]+\\)");
    assertThat(html)
        .contains(
            "Candidates pulled from the EHR",
            "Included in the cohort",
            "Proportional-hazards check",
            "Brookmeyer-Crowley",
            "https://ehr.example");
    // Nothing to fetch when opened: no script, link, image source, style import or remote URL.
    assertThat(html)
        .doesNotContain("<script", "<link", "src=", "href=", "@import", "url(", "/fhir/Patient");
  }

  @Test
  void theReportWithholdsSmallCellsAsTheOtherOutputsDo() throws Exception {
    String html = ReportHtml.render(paperRun(new CellSuppression(11)));

    javax.xml.parsers.DocumentBuilderFactory.newInstance()
        .newDocumentBuilder()
        .parse(new org.xml.sax.InputSource(new java.io.StringReader(html)));
    assertThat(html).contains("class=\"count\">&lt;11<", "are withheld");
    java.util.regex.Matcher count =
        java.util.regex.Pattern.compile("class=\"count\">(\\d+)<").matcher(html);
    int shown = 0;
    while (count.find()) {
      int n = Integer.parseInt(count.group(1));
      assertThat(n == 0 || n >= 11).as("a count of " + n).isTrue();
      shown++;
    }
    assertThat(shown).as("the cohort's own counts are shown").isPositive();
  }

  private StudyRun paperRun(CellSuppression hide) {
    return new StudyRun(
        RunLineage.of(List.of(new SourceServer("ehr", "https://ehr.example/fhir", "generic"))),
        paper,
        null,
        hide);
  }

  private FactorResult factor(String code) {
    return paper.factors().stream().filter(f -> f.factor().equals(code)).findFirst().orElseThrow();
  }

  private static StudyResult paperResult() {
    List<CaseRecord> records =
        CaseTable.read(Path.of("../fixtures/paper/cases.csv")).stream()
            .map(row -> ExpectedRecord.of(row, CUTOFF))
            .toList();
    return new StudyAnalysis("paper", CUTOFF).analyze(new Cohort(records, List.of(), List.of()));
  }
}
