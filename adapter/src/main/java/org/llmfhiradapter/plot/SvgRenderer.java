package org.llmfhiradapter.plot;

import de.rototor.pdfbox.graphics2d.PdfBoxGraphics2D;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Dimension2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.apache.batik.anim.dom.SAXSVGDocumentFactory;
import org.apache.batik.bridge.BridgeContext;
import org.apache.batik.bridge.DocumentLoader;
import org.apache.batik.bridge.ExternalResourceSecurity;
import org.apache.batik.bridge.GVTBuilder;
import org.apache.batik.bridge.NoLoadExternalResourceSecurity;
import org.apache.batik.bridge.NoLoadScriptSecurity;
import org.apache.batik.bridge.ScriptSecurity;
import org.apache.batik.bridge.UserAgent;
import org.apache.batik.bridge.UserAgentAdapter;
import org.apache.batik.ext.awt.RenderingHintsKeyExt;
import org.apache.batik.gvt.GraphicsNode;
import org.apache.batik.util.ParsedURL;
import org.apache.batik.util.XMLResourceDescriptor;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;

/**
 * Renders a plot's SVG with Apache Batik: onto an image for PNG, and onto PDFBox's Graphics2D for a
 * vector PDF. The SVG is the adapter's own, but the renderer still loads nothing from outside it
 * (no scripts, no external resources), as a renderer on a server should.
 */
final class SvgRenderer {

  /** PNG resolution: print quality for a figure, and sharp on a slide. */
  static final int DPI = 300;

  /** SVG and CSS measure in px of 1/96 inch. */
  private static final double PX_PER_INCH = 96;

  /** PDF measures in points of 1/72 inch. */
  private static final float POINTS_PER_PX = 72f / 96f;

  private static final double METERS_PER_INCH = 0.0254;

  private SvgRenderer() {}

  /** The plot as a PNG image at {@link #DPI}, its size in inches that of the SVG, on white. */
  static byte[] png(String svg) {
    try {
      Drawing drawing = Drawing.of(svg);
      double scale = DPI / PX_PER_INCH;
      BufferedImage image =
          new BufferedImage(
              (int) Math.ceil(drawing.width() * scale),
              (int) Math.ceil(drawing.height() * scale),
              BufferedImage.TYPE_INT_RGB);
      Graphics2D g = image.createGraphics();
      try {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(
            RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        // Batik draws filters and opacity through this image; without the hint it warns on stderr.
        g.setRenderingHint(RenderingHintsKeyExt.KEY_BUFFERED_IMAGE, new WeakReference<>(image));
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.scale(scale, scale);
        drawing.node().paint(g);
      } finally {
        g.dispose();
      }
      return encodePng(image);
    } catch (VirtualMachineError e) {
      throw e;
    } catch (RuntimeException | Error e) {
      throw failed("PNG", e);
    }
  }

  /** The plot as a one-page vector PDF, the page the size of the SVG. */
  static byte[] pdf(String svg) {
    try (PDDocument document = new PDDocument()) {
      Drawing drawing = Drawing.of(svg);
      float width = (float) drawing.width() * POINTS_PER_PX;
      float height = (float) drawing.height() * POINTS_PER_PX;
      PDPage page = new PDPage(new PDRectangle(width, height));
      document.addPage(page);
      PdfBoxGraphics2D g = new PdfBoxGraphics2D(document, width, height);
      try {
        g.scale(POINTS_PER_PX, POINTS_PER_PX);
        drawing.node().paint(g);
      } finally {
        g.dispose();
      }
      try (PDPageContentStream content = new PDPageContentStream(document, page)) {
        content.drawForm(g.getXFormObject());
      }
      document
          .getDocumentInformation()
          .setProducer("llm-fhir-adapter (Apache Batik, Apache PDFBox)");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      document.save(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (VirtualMachineError e) {
      throw e;
    } catch (RuntimeException | Error e) {
      throw failed("PDF", e);
    }
  }

  private static PlotRenderingException failed(String format, Throwable e) {
    if (e instanceof PlotRenderingException known) {
      return known;
    }
    // A JDK on a server with no fonts at all fails at the first text it lays out.
    return new PlotRenderingException(
        "Cannot render the plot as "
            + format
            + ": "
            + e
            + ". A server without fonts needs fontconfig and one font"
            + " (Debian/Ubuntu: apt-get install fontconfig fonts-dejavu-core); an .svg plot needs neither",
        e);
  }

  private static byte[] encodePng(BufferedImage image) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
    try {
      ImageWriteParam param = writer.getDefaultWriteParam();
      IIOMetadata metadata =
          writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
      // The resolution, so that a word processor places the image at its size in inches, not at 72
      // dpi.
      IIOMetadataNode physical = new IIOMetadataNode("pHYs");
      String pixelsPerMeter = Long.toString(Math.round(DPI / METERS_PER_INCH));
      physical.setAttribute("pixelsPerUnitXAxis", pixelsPerMeter);
      physical.setAttribute("pixelsPerUnitYAxis", pixelsPerMeter);
      physical.setAttribute("unitSpecifier", "meter");
      IIOMetadataNode root = new IIOMetadataNode("javax_imageio_png_1.0");
      root.appendChild(physical);
      metadata.mergeTree("javax_imageio_png_1.0", root);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
        writer.setOutput(stream);
        writer.write(null, new IIOImage(image, null, metadata), param);
      }
      return out.toByteArray();
    } catch (IIOInvalidTreeException e) {
      throw new IllegalStateException("The PNG writer refused its resolution field", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
  }

  /** The SVG built into Batik's tree of graphics nodes, and its size in px. */
  private record Drawing(GraphicsNode node, double width, double height) {

    static Drawing of(String svg) {
      try {
        SAXSVGDocumentFactory factory =
            new SAXSVGDocumentFactory(XMLResourceDescriptor.getXMLParserClassName());
        var document = factory.createSVGDocument("file:///plot.svg", new StringReader(svg));
        UserAgent agent = new LoadsNothing();
        BridgeContext context = new BridgeContext(agent, new DocumentLoader(agent));
        context.setDynamicState(BridgeContext.STATIC);
        GraphicsNode node = new GVTBuilder().build(context, document);
        Dimension2D size = context.getDocumentSize();
        return new Drawing(node, size.getWidth(), size.getHeight());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * A user agent that runs no script and fetches no external resource, and fails instead of
   * printing.
   */
  private static final class LoadsNothing extends UserAgentAdapter {

    @Override
    public ScriptSecurity getScriptSecurity(
        String scriptType, ParsedURL scriptUrl, ParsedURL documentUrl) {
      return new NoLoadScriptSecurity(scriptType);
    }

    @Override
    public ExternalResourceSecurity getExternalResourceSecurity(
        ParsedURL resourceUrl, ParsedURL documentUrl) {
      return new NoLoadExternalResourceSecurity();
    }

    @Override
    public void displayError(Exception e) {
      throw new PlotRenderingException("Cannot render the plot: " + e.getMessage(), e);
    }
  }
}
