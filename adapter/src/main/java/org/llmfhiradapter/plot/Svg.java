package org.llmfhiradapter.plot;

import java.util.Locale;

/** The few SVG elements a survival plot uses, written as text, with one style sheet. */
final class Svg {

  private final StringBuilder out = new StringBuilder();

  Svg(double width, double height) {
    out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .append(
            String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\""
                    + " font-family=\"Helvetica, Arial, sans-serif\">%n",
                width,
                height,
                width,
                height))
        .append("<style>")
        .append(".title{font-size:17px;font-weight:bold}.caption{font-size:13px;fill:#333}")
        .append(".label{font-size:13px}.tick,.risk{font-size:12px}.legend{font-size:12px}")
        .append(".grid{stroke:#e3e3e3}.axis{stroke:#000}.median{stroke:#999;stroke-dasharray:4 4}")
        .append(
            ".curve{fill:none;stroke-width:2}.censor{fill:none;stroke-width:1.5}.key{stroke-width:2}")
        .append("</style>\n")
        .append(
            String.format(
                Locale.ROOT,
                "<rect width=\"%.0f\" height=\"%.0f\" fill=\"#fff\"/>%n",
                width,
                height));
  }

  void text(double x, double y, String cssClass, String anchor, String text) {
    out.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%.2f\" y=\"%.2f\" class=\"%s\" text-anchor=\"%s\">%s</text>%n",
            x,
            y,
            cssClass,
            anchor,
            escape(text)));
  }

  void coloredText(double x, double y, String color, String text) {
    out.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%.2f\" y=\"%.2f\" class=\"risk\" fill=\"%s\">%s</text>%n",
            x,
            y,
            color,
            escape(text)));
  }

  void rotatedText(double x, double y, String cssClass, String text) {
    out.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%.2f\" y=\"%.2f\" class=\"%s\" text-anchor=\"middle\" transform=\"rotate(-90 %.2f %.2f)\">%s</text>%n",
            x,
            y,
            cssClass,
            x,
            y,
            escape(text)));
  }

  void line(String cssClass, double x1, double y1, double x2, double y2) {
    out.append(
        String.format(
            Locale.ROOT,
            "<line class=\"%s\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"/>%n",
            cssClass,
            x1,
            y1,
            x2,
            y2));
  }

  void line(String cssClass, String color, double x1, double y1, double x2, double y2) {
    out.append(
        String.format(
            Locale.ROOT,
            "<line class=\"%s\" stroke=\"%s\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"/>%n",
            cssClass,
            color,
            x1,
            y1,
            x2,
            y2));
  }

  void path(String cssClass, String color, String d, String title) {
    out.append(
        String.format(
            Locale.ROOT,
            "<path class=\"%s\" stroke=\"%s\" d=\"%s\"><title>%s</title></path>%n",
            cssClass,
            color,
            d,
            escape(title)));
  }

  void band(String color, String d) {
    out.append(
        String.format(
            Locale.ROOT,
            "<path class=\"band\" fill=\"%s\" fill-opacity=\"0.15\" d=\"%s\"/>%n",
            color,
            d));
  }

  /** A filled square of half-side {@code half} centred at (x, y): a forest plot's estimate. */
  void square(double x, double y, double half, String color) {
    out.append(
        String.format(
            Locale.ROOT,
            "<rect class=\"estimate\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\""
                + " fill=\"%s\"/>%n",
            x - half,
            y - half,
            2 * half,
            2 * half,
            color));
  }

  String close() {
    return out.append("</svg>\n").toString();
  }

  static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
