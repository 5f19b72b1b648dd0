package org.llmfhiradapter.plot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.llmfhiradapter.survival.KaplanMeier;
import org.llmfhiradapter.survival.KaplanMeierFit;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The picture says what the table says: the drawn steps, ticks and at-risk numbers read back to the
 * fit.
 */
class SurvivalPlotTest {

  // Sorted: 1 death, 2 death, 3 censored, 4 death, 5 censored, 6 death (as in KaplanMeierTest),
  // given shuffled.
  private static final double[] TIME = {5, 1, 6, 3, 2, 4};
  private static final boolean[] EVENT = {false, true, true, false, true, true};

  private final KaplanMeierFit fit = KaplanMeier.fit(TIME, EVENT);
  private final PlotCurve curve = new PlotCurve("All", "median 3.0", fit.n(), fit.steps());
  private final SurvivalPlot plot =
      new SurvivalPlot("Overall survival", "Time", 1, false, "", List.of(curve));

  @Test
  void theCurveStartsAtOneAndDropsAtEachDeathToTheEstimateAndRunsToTheLastTime() throws Exception {
    SurvivalPlot.Frame f = plot.frame();
    List<double[]> vertices = vertices(path(parse(plot.toSvg()), "curve").getAttribute("d"));

    List<double[]> read = new ArrayList<>();
    for (double[] v : vertices) {
      read.add(
          new double[] {
            (v[0] - f.left()) / (f.right() - f.left()) * f.ticks().max(),
            (f.bottom() - v[1]) / (f.bottom() - f.top())
          });
    }
    // (0,1) → (1,1) (1,5/6) → (2,5/6) (2,4/6) → (4,4/6) (4,4/9) → (6,4/9) (6,0) → (6,0)
    double[][] expected = {
      {0, 1},
      {1, 1},
      {1, 5.0 / 6},
      {2, 5.0 / 6},
      {2, 4.0 / 6},
      {4, 4.0 / 6},
      {4, 4.0 / 9},
      {6, 4.0 / 9},
      {6, 0},
      {6, 0}
    };
    assertThat(read).hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat(read.get(i)[0]).as("time of vertex %d", i).isCloseTo(expected[i][0], within(0.01));
      assertThat(read.get(i)[1])
          .as("survival of vertex %d", i)
          .isCloseTo(expected[i][1], within(0.001));
    }
  }

  @Test
  void eachCensoredTimeGetsATickOnTheCurve() throws Exception {
    SurvivalPlot.Frame f = plot.frame();
    String d = path(parse(plot.toSvg()), "censor").getAttribute("d");

    List<double[]> ticks = vertices(d).stream().filter(v -> !Double.isNaN(v[0])).toList();
    // Two ticks (t = 3 at S = 4/6, t = 5 at S = 4/9), each a vertical stroke centred on the curve.
    assertThat(d.split("M")).hasSize(3);
    assertThat(ticks.get(0)[0]).isCloseTo(f.x(3), within(0.01));
    assertThat(ticks.get(0)[1] + 5).isCloseTo(f.y(4.0 / 6), within(0.01));
    assertThat(ticks.get(2)[0]).isCloseTo(f.x(5), within(0.01));
    assertThat(ticks.get(2)[1] + 5).isCloseTo(f.y(4.0 / 9), within(0.01));
  }

  @Test
  void theRiskTableCountsThoseAtRiskCensoredAndWithTheEventAtEachTickAddingUpToN()
      throws Exception {
    Document svg = parse(plot.toSvg());

    // Ticks 0, 1, ..., 6 (deaths at 1, 2, 4, 6; censored at 3, 5): at risk = times >= t; censored
    // and events before t. Written tick by tick: at risk, censored, events.
    List<String> cells = texts(svg, "risk");
    assertThat(cells.get(0)).isEqualTo("All");
    List<String> atRisk = new ArrayList<>();
    List<String> censored = new ArrayList<>();
    List<String> events = new ArrayList<>();
    for (int k = 1; k < cells.size(); k += 3) {
      atRisk.add(cells.get(k));
      censored.add(cells.get(k + 1));
      events.add(cells.get(k + 2));
    }
    assertThat(atRisk).containsExactly("6", "6", "5", "4", "3", "2", "1");
    assertThat(censored).containsExactly("0", "0", "0", "0", "1", "1", "2");
    assertThat(events).containsExactly("0", "0", "1", "2", "2", "3", "3");
    assertThat(texts(svg, "label")).contains("censored", "events");
  }

  @Test
  void aSingleCurveShowsItsConfidenceBandAndSeveralCurvesDoNot() throws Exception {
    KaplanMeierFit other =
        KaplanMeier.fit(new double[] {2, 3, 7}, new boolean[] {true, true, false});
    SurvivalPlot two =
        new SurvivalPlot(
            "By group",
            "Time",
            1,
            false,
            "Log-rank p = 0.5",
            List.of(curve, new PlotCurve("Other", "", other.n(), other.steps())));

    assertThat(paths(parse(plot.toSvg()), "band")).isEqualTo(1);
    assertThat(paths(parse(two.toSvg()), "band")).isZero();
    assertThat(paths(parse(two.toSvg()), "curve")).isEqualTo(2);
    assertThat(texts(parse(two.toSvg()), "caption")).containsExactly("Log-rank p = 0.5");
  }

  @Test
  void everyCurveGetsItsBandWhenAsked() throws Exception {
    KaplanMeierFit other =
        KaplanMeier.fit(new double[] {2, 3, 7}, new boolean[] {true, true, false});
    SurvivalPlot two =
        new SurvivalPlot(
            "By group",
            "Time",
            1,
            false,
            "",
            List.of(curve, new PlotCurve("Other", "", other.n(), other.steps())));

    assertThat(paths(parse(two.withBands(true).toSvg()), "band")).isEqualTo(2);
  }

  @Test
  void aLongGroupNameWrapsInTheLegendAndIsShortenedInTheRiskTableSoNoTextLeavesItsPlace()
      throws Exception {
    String name =
        "Neoadjuvant chemotherapy with a partial response by RECIST 1.1 at the restaging before surgery";
    SurvivalPlot longNames =
        new SurvivalPlot(
            "By response",
            "Time",
            1,
            false,
            "",
            List.of(
                new PlotCurve(name, "median 3.0", fit.n(), fit.steps()),
                new PlotCurve("None", "", fit.n(), fit.steps())));

    Document svg = parse(longNames.toSvg());

    List<Element> legend = textElements(svg, "legend");
    assertThat(legend).hasSizeGreaterThan(2);
    assertThat(String.join(" ", legend.stream().map(Element::getTextContent).toList()))
        .isEqualTo(name + "  (n = 6; median 3.0) None  (n = 6)");
    double width = Double.parseDouble(svg.getDocumentElement().getAttribute("width"));
    for (Element line : legend) {
      assertThat(x(line) + 7 * line.getTextContent().length())
          .as(line.getTextContent())
          .isLessThanOrEqualTo(width);
    }
    double firstColumn =
        textElements(svg, "risk").stream()
            .filter(e -> !e.hasAttribute("fill"))
            .mapToDouble(SurvivalPlotTest::x)
            .min()
            .orElseThrow();
    Element rowName =
        textElements(svg, "risk").stream()
            .filter(e -> e.hasAttribute("fill"))
            .findFirst()
            .orElseThrow();
    assertThat(rowName.getTextContent()).startsWith("Neoadjuvant").endsWith("…");
    assertThat(x(rowName) + 7 * rowName.getTextContent().length())
        .as("the row name ends before the table's first column, which is centred on its tick")
        .isLessThan(firstColumn - 12);
    double lastLegendLine =
        legend.stream()
            .mapToDouble(e -> Double.parseDouble(e.getAttribute("y")))
            .max()
            .orElseThrow();
    assertThat(Double.parseDouble(rowName.getAttribute("y"))).isGreaterThan(lastLegendLine + 18);
  }

  @Test
  void labelsAreEscapedSoTheDocumentStaysWellFormed() throws Exception {
    SurvivalPlot odd =
        new SurvivalPlot(
            "<5 cm & \"R0\"",
            "Months",
            1,
            true,
            "p < 0.05",
            List.of(new PlotCurve("<5 cm", "", fit.n(), fit.steps())));

    Document svg = parse(odd.toSvg());
    assertThat(texts(svg, "title")).containsExactly("<5 cm & \"R0\"");
    assertThat(texts(svg, "legend")).containsExactly("<5 cm  (n = 6)");
  }

  @Test
  void monthAxesTickOnWholeYearsAndOtherAxesOnOneTwoOrFive() {
    assertThat(AxisTicks.covering(90, true)).isEqualTo(new AxisTicks(12, 96));
    assertThat(AxisTicks.covering(100, true)).isEqualTo(new AxisTicks(24, 120));
    assertThat(AxisTicks.covering(250, true).step()).isEqualTo(36);
    assertThat(AxisTicks.covering(6, false)).isEqualTo(new AxisTicks(1, 6));
    assertThat(AxisTicks.covering(1022, false)).isEqualTo(new AxisTicks(200, 1200));
    assertThat(AxisTicks.covering(0, false).count()).isEqualTo(2);
  }

  static Document parse(String svg) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    return factory
        .newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  private static Element path(Document svg, String cssClass) {
    NodeList paths = svg.getElementsByTagNameNS("http://www.w3.org/2000/svg", "path");
    for (int i = 0; i < paths.getLength(); i++) {
      Element path = (Element) paths.item(i);
      if (path.getAttribute("class").equals(cssClass)) {
        return path;
      }
    }
    throw new AssertionError("no path of class " + cssClass);
  }

  private static int paths(Document svg, String cssClass) {
    NodeList paths = svg.getElementsByTagNameNS("http://www.w3.org/2000/svg", "path");
    int count = 0;
    for (int i = 0; i < paths.getLength(); i++) {
      count += ((Element) paths.item(i)).getAttribute("class").equals(cssClass) ? 1 : 0;
    }
    return count;
  }

  private static List<Element> textElements(Document svg, String cssClass) {
    NodeList texts = svg.getElementsByTagNameNS("http://www.w3.org/2000/svg", "text");
    List<Element> found = new ArrayList<>();
    for (int i = 0; i < texts.getLength(); i++) {
      Element text = (Element) texts.item(i);
      if (text.getAttribute("class").equals(cssClass)) {
        found.add(text);
      }
    }
    return found;
  }

  private static double x(Element text) {
    return Double.parseDouble(text.getAttribute("x"));
  }

  private static List<String> texts(Document svg, String cssClass) {
    return textElements(svg, cssClass).stream().map(Element::getTextContent).toList();
  }

  /** The absolute points a path of M, H and V commands visits. */
  private static List<double[]> vertices(String d) {
    List<double[]> points = new ArrayList<>();
    double x = Double.NaN;
    double y = Double.NaN;
    for (String command : d.trim().split(" ")) {
      char op = command.charAt(0);
      String args = command.substring(1);
      switch (op) {
        case 'M' -> {
          String[] xy = args.split(",");
          x = Double.parseDouble(xy[0]);
          y = Double.parseDouble(xy[1]);
        }
        case 'H' -> x = Double.parseDouble(args);
        case 'V' -> y = Double.parseDouble(args);
        default -> throw new AssertionError("unexpected path command " + command);
      }
      points.add(new double[] {x, y});
    }
    return points;
  }
}
