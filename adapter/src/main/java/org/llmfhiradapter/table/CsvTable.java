package org.llmfhiradapter.table;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A CSV file with a header row (RFC 4180: comma separated, fields may be double-quoted, quotes doubled
 * inside). Cells are kept as trimmed strings; an empty cell is an empty string. Errors name the file, line and
 * column, so a user can fix the file.
 *
 * @param source where the table came from, for messages
 */
public record CsvTable(String source, List<String> header, List<List<String>> rows, List<Integer> rowLines) {

  /**
   * Characters one cell may hold. Cells of these tables are numbers, dates, codes and labels; a longer one is
   * not data (a file opened with the wrong delimiter, an embedded document) and would only fill memory.
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
   * Reads a file row by row without keeping it: {@code rows} gets the header, then each data row with its
   * line number. Same format and errors as {@link #read(Path)}; for files too large to hold as strings.
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

    /** A data row, as many cells as the header, trimmed; {@code line} is where it starts in the file. */
    void row(List<String> cells, int line);
  }

  public static CsvTable parse(String source, Reader reader) throws IOException {
    Collector collector = new Collector();
    parse(source, reader, collector);
    return collector.table(source);
  }

  private static void parse(String source, Reader reader, RowHandler handler) throws IOException {
    Records records = new Records(source, handler);
    StringBuilder cell = new StringBuilder();
    List<String> record = new ArrayList<>();
    boolean quoted = false;
    boolean afterQuote = false;
    int line = 1;
    int recordLine = 1;
    int c;
    while ((c = reader.read()) != -1) {
      char ch = (char) c;
      if (quoted) {
        if (ch == '"') {
          reader.mark(1);
          int next = reader.read();
          if (next == '"') {
            cell.append('"');
          } else {
            quoted = false;
            afterQuote = true;
            if (next != -1) {
              reader.reset();
            }
          }
        } else {
          if (ch == '\n') {
            line++;
          }
          append(cell, ch, source, recordLine, record.size());
        }
        continue;
      }
      switch (ch) {
        case '"' -> {
          if (cell.toString().isBlank() && !afterQuote) {
            cell.setLength(0);
            quoted = true;
          } else {
            throw new TableException(source + " line " + line + ": a quote inside an unquoted field");
          }
        }
        case ',' -> {
          record.add(cell.toString().trim());
          cell.setLength(0);
          afterQuote = false;
        }
        case '\r' -> {
          // Tolerate CRLF line ends.
        }
        case '\n' -> {
          record.add(cell.toString().trim());
          cell.setLength(0);
          afterQuote = false;
          if (!(record.size() == 1 && record.get(0).isEmpty())) {
            records.add(record, recordLine);
          }
          record = new ArrayList<>();
          line++;
          recordLine = line;
        }
        default -> {
          if (afterQuote && !Character.isWhitespace(ch)) {
            throw new TableException(source + " line " + line + ": text after a closing quote");
          }
          append(cell, ch, source, recordLine, record.size());
        }
      }
    }
    if (quoted) {
      throw new TableException(source + ": a quoted field is not closed before the end of the file");
    }
    record.add(cell.toString().trim());
    if (!(record.size() == 1 && record.get(0).isEmpty())) {
      records.add(record, recordLine);
    }
    if (!records.headerSeen) {
      throw new TableException(source + " is empty: a header row is expected");
    }
  }

  private static void append(StringBuilder cell, char ch, String source, int line, int column) {
    if (cell.length() >= MAX_CELL_CHARS) {
      throw new TableException(
          source + " line " + line + ", column " + (column + 1) + ": a cell longer than " + MAX_CELL_CHARS
              + " characters; refused (is the file comma-separated, with its quotes closed?)");
    }
    cell.append(ch);
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
            throw new TableException(source + ": column '" + record.get(i) + "' appears twice in the header");
          }
        }
        headerSeen = true;
        width = record.size();
        handler.header(record);
        return;
      }
      if (record.size() != width) {
        throw new TableException(
            source + " line " + line + ": " + record.size() + " fields, but the header has " + width);
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
      throw new TableException(source + " has no column '" + name + "'; its columns are " + String.join(", ", header));
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
