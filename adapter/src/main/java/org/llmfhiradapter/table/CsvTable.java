package org.llmfhiradapter.table;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A CSV file with a header row (RFC 4180: comma separated, fields may be double-quoted, quotes
 * doubled inside), read by Apache Commons CSV as a stream. Cells are kept as trimmed strings; an
 * empty cell is an empty string; blank lines are skipped; a quote inside an unquoted field is a
 * character like any other (as Excel and R's read.csv take it). Errors name the file, line and
 * column, so a user can fix the file.
 *
 * @param source where the table came from, for messages
 */
public record CsvTable(
    String source, List<String> header, List<List<String>> rows, List<Integer> rowLines) {

  /**
   * Characters one cell may hold. Cells of these tables are numbers, dates, codes and labels; a
   * longer one is not data (a file opened with the wrong delimiter, an embedded document) and would
   * only fill memory.
   */
  public static final int MAX_CELL_CHARS = 100_000;

  public CsvTable {
    header = List.copyOf(header);
    rows = rows.stream().map(List::copyOf).toList();
    rowLines = List.copyOf(rowLines);
  }

  public static CsvTable read(Path file) {
    Collector collector = new Collector();
    read(file, collector);
    return collector.table(file.toString());
  }

  /**
   * Reads a file row by row without keeping it: {@code rows} gets the header, then each data row
   * with its line number. Same format and errors as {@link #read(Path)}; for files too large to
   * hold as strings.
   */
  public static void read(Path file, RowHandler rows) {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      parse(file.toString(), reader, rows);
    } catch (NoSuchFileException e) {
      throw new TableException("File not found: " + file);
    } catch (MalformedInputException e) {
      throw new TableException(file + " is not UTF-8 text");
    } catch (IOException e) {
      throw new TableException("Cannot read " + file + ": " + e.getMessage());
    }
  }

  /** Receives a CSV file as it is read. */
  public interface RowHandler {
    /** The header row (names checked: none empty, none twice). */
    void header(List<String> names);

    /**
     * A data row, as many cells as the header, trimmed; {@code line} is where it starts in the
     * file.
     */
    void row(List<String> cells, int line);
  }

  public static CsvTable parse(String source, Reader reader) throws IOException {
    Collector collector = new Collector();
    parse(source, reader, collector);
    return collector.table(source);
  }

  /**
   * RFC 4180 as Commons CSV reads it: blank lines between rows skipped, spaces around a quoted
   * field ignored, no text after a closing quote. Cells are trimmed here rather than by the format,
   * so that the line breaks inside a quoted cell can still be counted (see {@link #parse(String,
   * Reader, RowHandler)}).
   */
  private static final CSVFormat FORMAT =
      CSVFormat.RFC4180
          .builder()
          .setIgnoreEmptyLines(true)
          .setIgnoreSurroundingSpaces(true)
          .setTrailingData(false)
          .get();

  private static void parse(String source, Reader reader, RowHandler handler) throws IOException {
    Records records = new Records(source, handler);
    CSVParser parser = FORMAT.parse(new CellLimit(source, reader));
    Iterator<CSVRecord> iterator = parser.iterator();
    try {
      while (iterator.hasNext()) {
        CSVRecord record = iterator.next();
        List<String> cells = new ArrayList<>(record.size());
        long breaksInside = 0;
        for (String value : record.values()) {
          breaksInside += lineBreaks(value);
          cells.add(value.trim());
        }
        // The parser has counted the line breaks up to and including the one that ends this record
        // (CellLimit makes sure the last record has one): the record starts that many lines back,
        // less those inside it.
        records.add(cells, (int) (parser.getCurrentLineNumber() - breaksInside));
      }
    } catch (UncheckedIOException e) {
      throw malformed(source, parser, e.getCause());
    }
    if (!records.headerSeen) {
      throw new TableException(source + " is empty: a header row is expected");
    }
  }

  /** Line breaks as the parser counts them: CR LF, LF or CR each one. */
  private static long lineBreaks(String value) {
    long breaks = 0;
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (ch == '\r' || (ch == '\n' && (i == 0 || value.charAt(i - 1) != '\r'))) {
        breaks++;
      }
    }
    return breaks;
  }

  /** The parser's complaint as ours: the line, and what is wrong, in words a person can act on. */
  private static IOException malformed(String source, CSVParser parser, IOException cause) {
    String message = String.valueOf(cause.getMessage());
    if (message.contains("EOF reached before encapsulated token finished")) {
      throw new TableException(
          source + ": a quoted field is not closed before the end of the file");
    }
    if (message.contains("Invalid character between encapsulated token and delimiter")) {
      // Thrown at the offending character, mid-line: the parser's count is that line.
      throw new TableException(
          source + " line " + parser.getCurrentLineNumber() + ": text after a closing quote");
    }
    return cause;
  }

  /**
   * Refuses a cell longer than {@link #MAX_CELL_CHARS} while the text streams to the parser, before
   * it is held in memory (a file opened with the wrong delimiter, or an unclosed quote, would make
   * one cell of the rest of the file). It follows quotes as RFC 4180 has them (a doubled quote
   * toggles twice, so stays inside), counts lines and fields to name the cell, and ends the text
   * with a line break if it has none, so that every record is ended by one.
   */
  private static final class CellLimit extends Reader {
    private final String source;
    private final Reader in;
    private boolean quoted;
    private int cellChars;
    private int field;
    private int line = 1;
    private int recordLine = 1;
    private char last = '\n';
    private boolean ended;

    CellLimit(String source, Reader in) {
      this.source = source;
      this.in = in;
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
      if (ended || length == 0) {
        return ended ? -1 : 0;
      }
      int n = in.read(buffer, offset, length);
      if (n == -1) {
        ended = true;
        if (last == '\n' || last == '\r') {
          return -1;
        }
        buffer[offset] = '\n';
        return 1;
      }
      for (int i = offset; i < offset + n; i++) {
        see(buffer[i]);
      }
      return n;
    }

    private void see(char ch) {
      boolean lineBreak = ch == '\r' || (ch == '\n' && last != '\r');
      last = ch;
      if (lineBreak) {
        line++;
      }
      if (ch == '"') {
        quoted = !quoted;
      } else if (!quoted && (ch == ',' || ch == '\n' || ch == '\r')) {
        cellChars = 0;
        if (ch == ',') {
          field++;
        } else {
          field = 0;
          recordLine = line;
        }
        return;
      }
      if (++cellChars > MAX_CELL_CHARS) {
        // A RuntimeException: the parser passes it on as it is.
        throw new TableException(
            source
                + " line "
                + recordLine
                + ", column "
                + (field + 1)
                + ": a cell longer than "
                + MAX_CELL_CHARS
                + " characters; refused (is the file comma-separated, with its quotes closed?)");
      }
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** Checks records as they come (the first is the header) and passes them on. */
  private static final class Records {
    private final String source;
    private final RowHandler handler;
    private int width;
    boolean headerSeen;

    Records(String source, RowHandler handler) {
      this.source = source;
      this.handler = handler;
    }

    void add(List<String> record, int line) {
      if (!headerSeen) {
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < record.size(); i++) {
          if (record.get(i).isEmpty()) {
            throw new TableException(source + ": header column " + (i + 1) + " has no name");
          }
          if (seen.put(record.get(i), i) != null) {
            throw new TableException(
                source + ": column '" + record.get(i) + "' appears twice in the header");
          }
        }
        headerSeen = true;
        width = record.size();
        handler.header(record);
        return;
      }
      if (record.size() != width) {
        throw new TableException(
            source
                + " line "
                + line
                + ": "
                + record.size()
                + " fields, but the header has "
                + width);
      }
      handler.row(record, line);
    }
  }

  /** Keeps every row: the in-memory table. */
  private static final class Collector implements RowHandler {
    private List<String> header;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<Integer> rowLines = new ArrayList<>();

    @Override
    public void header(List<String> names) {
      header = names;
    }

    @Override
    public void row(List<String> cells, int line) {
      rows.add(cells);
      rowLines.add(line);
    }

    CsvTable table(String source) {
      return new CsvTable(source, header, rows, rowLines);
    }
  }

  /** Index of a column in a header, or an error naming the columns there are. */
  public static int column(String source, List<String> header, String name) {
    int index = header.indexOf(name);
    if (index < 0) {
      throw new TableException(
          source + " has no column '" + name + "'; its columns are " + String.join(", ", header));
    }
    return index;
  }

  /** Index of a column, or an error naming the columns there are. */
  public int column(String name) {
    return column(source, header, name);
  }

  public boolean hasColumn(String name) {
    return header.contains(name);
  }

  /** Line number in the file where a data row (0-based) starts, for messages. */
  public int lineOf(int row) {
    return rowLines.get(row);
  }
}
