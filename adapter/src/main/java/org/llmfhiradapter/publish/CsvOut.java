package org.llmfhiradapter.publish;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The CSV files the adapter writes: RFC 4180 (a value with a comma, quote or line break quoted, by
 * Apache Commons CSV), UTF-8, rows ending in a line feed as R's {@code write.csv} and most tools
 * write them.
 */
final class CsvOut {

  private static final CSVFormat FORMAT =
      CSVFormat.RFC4180.builder().setRecordSeparator("\n").get();

  private CsvOut() {}

  /** A printer into {@code file} (created or replaced) whose first row is the header. */
  static CSVPrinter open(Path file, String... header) throws IOException {
    return FORMAT.builder().setHeader(header).get().print(file, StandardCharsets.UTF_8);
  }
}
