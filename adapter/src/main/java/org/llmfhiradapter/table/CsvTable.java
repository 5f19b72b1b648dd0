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

  public CsvTable {
    header = List.copyOf(header);
    rows = rows.stream().map(List::copyOf).toList();
    rowLines = List.copyOf(rowLines);
  }

  public static CsvTable read(Path file) {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return parse(file.toString(), reader);
    } catch (NoSuchFileException e) {
      throw new TableException("File not found: " + file);
    } catch (MalformedInputException e) {
      throw new TableException(file + " is not UTF-8 text");
    } catch (IOException e) {
      throw new TableException("Cannot read " + file + ": " + e.getMessage());
    }
  }

  public static CsvTable parse(String source, Reader reader) throws IOException {
    List<List<String>> records = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
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
          cell.append(ch);
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
            records.add(record);
            lines.add(recordLine);
          }
          record = new ArrayList<>();
          line++;
          recordLine = line;
        }
        default -> {
          if (afterQuote && !Character.isWhitespace(ch)) {
            throw new TableException(source + " line " + line + ": text after a closing quote");
          }
          cell.append(ch);
        }
      }
    }
    if (quoted) {
      throw new TableException(source + ": a quoted field is not closed before the end of the file");
    }
    record.add(cell.toString().trim());
    if (!(record.size() == 1 && record.get(0).isEmpty())) {
      records.add(record);
      lines.add(recordLine);
    }
    if (records.isEmpty()) {
      throw new TableException(source + " is empty: a header row is expected");
    }
    List<String> header = records.get(0);
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < header.size(); i++) {
      if (header.get(i).isEmpty()) {
        throw new TableException(source + ": header column " + (i + 1) + " has no name");
      }
      if (seen.put(header.get(i), i) != null) {
        throw new TableException(source + ": column '" + header.get(i) + "' appears twice in the header");
      }
    }
    List<List<String>> rows = new ArrayList<>();
    List<Integer> rowLines = new ArrayList<>();
    for (int r = 1; r < records.size(); r++) {
      List<String> row = records.get(r);
      if (row.size() != header.size()) {
        throw new TableException(
            source + " line " + lines.get(r) + ": " + row.size() + " fields, but the header has " + header.size());
      }
      rows.add(row);
      rowLines.add(lines.get(r));
    }
    return new CsvTable(source, header, rows, rowLines);
  }

  /** Index of a column, or an error naming the columns there are. */
  public int column(String name) {
    int index = header.indexOf(name);
    if (index < 0) {
      throw new TableException(source + " has no column '" + name + "'; its columns are " + String.join(", ", header));
    }
    return index;
  }

  public boolean hasColumn(String name) {
    return header.contains(name);
  }

  /** Line number in the file where a data row (0-based) starts, for messages. */
  public int lineOf(int row) {
    return rowLines.get(row);
  }
}
