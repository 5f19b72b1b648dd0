package org.llmfhiradapter.plot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.pdmodel.graphics.PDXObject;
import org.apache.pdfbox.pdmodel.graphics.form.PDFormXObject;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmfhiradapter.survival.KaplanMeier;
import org.llmfhiradapter.survival.KaplanMeierFit;
import org.w3c.dom.Element;

/** A plot written as SVG, PNG or PDF by its file name, each the same picture. */
class PlotFileTest {

  /** The first two Okabe-Ito colours, the first two curves'. */
  private static final int BLUE = 0x0072B2;

  private static final int VERMILLION = 0xD55E00;
  private static final int GREEN = 0x00FF00;

  @TempDir Path dir;

  private final SurvivalPlot plot = twoCurves();

  @Test
  void anSvgFileIsThePlotAsDrawn() throws Exception {
    Path file = dir.resolve("km.svg");

    PlotFile.write(plot.toSvg(), file);

    assertThat(Files.readString(file)).isEqualTo(plot.toSvg());
  }

  @Test
  void aPngIsThePlotAt300DpiOnWhiteWithEachCurveInItsColour() throws Exception {
    Path file = dir.resolve("km.PNG");

    PlotFile.write(plot.toSvg(), file);

    BufferedImage image = ImageIO.read(file.toFile());
    assertThat(image.getWidth()).isEqualTo((int) Math.ceil(svgWidth() * 300 / 96));
    assertThat(image.getHeight()).isEqualTo((int) Math.ceil(svgHeight() * 300 / 96));
    assertThat(image.getRGB(2, 2) & 0xFFFFFF).isEqualTo(0xFFFFFF);
    assertThat(pixels(image, BLUE)).as("the first curve").isGreaterThan(1_000);
    assertThat(pixels(image, VERMILLION)).as("the second curve").isGreaterThan(1_000);
    assertThat(pixelsPerMeter(file)).as("300 dpi").isEqualTo(Math.round(300 / 0.0254));
  }

  @Test
  void aPdfIsOneVectorPageTheSizeOfThePlot() throws Exception {
    Path file = dir.resolve("km.pdf");

    PlotFile.write(plot.toSvg(), file);

    try (PDDocument pdf = Loader.loadPDF(file.toFile())) {
      assertThat(pdf.getNumberOfPages()).isEqualTo(1);
      PDPage page = pdf.getPage(0);
      Offset<Float> rounding = Offset.offset(0.01f);
      assertThat(page.getMediaBox().getWidth())
          .as("in points")
          .isCloseTo((float) (svgWidth() * 0.75), rounding);
      assertThat(page.getMediaBox().getHeight()).isCloseTo((float) (svgHeight() * 0.75), rounding);
      assertThat(rasterImages(page.getResources()))
          .as("drawn as vectors, no embedded picture")
          .isZero();
      BufferedImage rendered = new PDFRenderer(pdf).renderImageWithDPI(0, 150);
      assertThat(pixels(rendered, BLUE)).as("the first curve").isGreaterThan(300);
      assertThat(pixels(rendered, VERMILLION)).as("the second curve").isGreaterThan(300);
    }
  }

  @Test
  void aNameInAnotherFormatIsRefusedNamingTheOnesThereAre() {
    assertThatThrownBy(() -> PlotFile.write(plot.toSvg(), dir.resolve("km.jpg")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(".svg, .png or .pdf")
        .hasMessageContaining("km.jpg");
    assertThat(dir.resolve("km.jpg")).doesNotExist();
  }

  @Test
  void renderingLoadsNothingAnSvgPointsAtNeitherFileNorServer() throws Exception {
    Path picture = dir.resolve("green.png");
    BufferedImage green = new BufferedImage(200, 200, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 200; y++) {
      for (int x = 0; x < 200; x++) {
        green.setRGB(x, y, GREEN);
      }
    }
    ImageIO.write(green, "png", picture.toFile());
    try (ServerSocket listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      AtomicInteger connections = new AtomicInteger();
      Thread accepting =
          new Thread(
              () -> {
                while (!listener.isClosed()) {
                  try (Socket ignored = listener.accept()) {
                    connections.incrementAndGet();
                  } catch (IOException closed) {
                    return;
                  }
                }
              });
      accepting.setDaemon(true);
      accepting.start();
      for (String url :
          List.of(
              picture.toUri().toString(),
              "http://127.0.0.1:" + listener.getLocalPort() + "/x.png")) {
        Path file = dir.resolve("km.png");

        assertThatThrownBy(() -> PlotFile.write(withImage(url), file))
            .as(url)
            .isInstanceOf(PlotRenderingException.class)
            .hasMessageContaining("Cannot render the plot");

        assertThat(file).doesNotExist();
      }
      Thread.sleep(200);
      assertThat(connections.get()).as("connections to the image's server").isZero();
    }
  }

  private String withImage(String url) {
    return plot.toSvg()
        .replace(
            "</svg>",
            "<image xmlns:xlink=\"http://www.w3.org/1999/xlink\" xlink:href=\""
                + url
                + "\" x=\"0\" y=\"0\" width=\"200\" height=\"200\"/></svg>");
  }

  private static SurvivalPlot twoCurves() {
    KaplanMeierFit first =
        KaplanMeier.fit(
            new double[] {1, 2, 3, 4, 5, 6}, new boolean[] {true, true, false, true, false, true});
    KaplanMeierFit second =
        KaplanMeier.fit(new double[] {2, 4, 7, 8}, new boolean[] {true, false, true, false});
    return new SurvivalPlot(
        "Overall survival by group",
        "Time (months)",
        1,
        false,
        "Log-rank p = 0.4",
        List.of(
            new PlotCurve("R0", "", first.n(), first.steps()),
            new PlotCurve("R1", "", second.n(), second.steps())));
  }

  private double svgWidth() throws Exception {
    return svgSize("width");
  }

  private double svgHeight() throws Exception {
    return svgSize("height");
  }

  private double svgSize(String attribute) throws Exception {
    Element root = SurvivalPlotTest.parse(plot.toSvg()).getDocumentElement();
    return Double.parseDouble(root.getAttribute(attribute));
  }

  /** Pixels within a small distance of the colour (anti-aliased edges aside). */
  private static int pixels(BufferedImage image, int rgb) {
    int count = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int p = image.getRGB(x, y);
        if (Math.abs(((p >> 16) & 0xFF) - ((rgb >> 16) & 0xFF)) < 12
            && Math.abs(((p >> 8) & 0xFF) - ((rgb >> 8) & 0xFF)) < 12
            && Math.abs((p & 0xFF) - (rgb & 0xFF)) < 12) {
          count++;
        }
      }
    }
    return count;
  }

  private static long pixelsPerMeter(Path png) throws Exception {
    try (ImageInputStream in = ImageIO.createImageInputStream(png.toFile())) {
      ImageReader reader = ImageIO.getImageReaders(in).next();
      reader.setInput(in);
      org.w3c.dom.Node tree = reader.getImageMetadata(0).getAsTree("javax_imageio_png_1.0");
      for (org.w3c.dom.Node node = tree.getFirstChild();
          node != null;
          node = node.getNextSibling()) {
        if (node.getNodeName().equals("pHYs")) {
          Element physical = (Element) node;
          assertThat(physical.getAttribute("unitSpecifier")).isEqualTo("meter");
          return Long.parseLong(physical.getAttribute("pixelsPerUnitXAxis"));
        }
      }
      throw new AssertionError("the PNG has no pHYs chunk");
    }
  }

  private static int rasterImages(PDResources resources) throws IOException {
    int images = 0;
    for (COSName name : resources.getXObjectNames()) {
      PDXObject object = resources.getXObject(name);
      if (object instanceof PDImageXObject) {
        images++;
      } else if (object instanceof PDFormXObject form && form.getResources() != null) {
        images += rasterImages(form.getResources());
      }
    }
    return images;
  }
}
