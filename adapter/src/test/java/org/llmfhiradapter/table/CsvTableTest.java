package org.llmfhiradapter.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTableTest {

  private static CsvTable parse(String text) throws Exception {
    return CsvTable.parse("t.csv", new StringReader(text));
  }

  @Test
  void readsAHeaderAndRowsWithQuotedCommasAndQuotes() throws Exception {
    CsvTable table = parse("a,b\n1,\"x, \"\"y\"\"\"\r\n\n2,\n");

    assertThat(table.header()).containsExactly("a", "b");
    assertThat(table.rows()).containsExactly(List.of("1", "x, \"y\""), List.of("2", ""));
    assertThat(table.lineOf(1)).isEqualTo(4);
  }

  @Test
  void aRowWithTheWrongNumberOfFieldsNamesItsLine() {
    assertThatThrownBy(() -> parse("a,b\n1,2\n3\n"))
        .isInstanceOf(TableException.class)
        .hasMessage("t.csv line 3: 1 fields, but the header has 2");
  }

  @Test
  void anUnknownColumnListsTheColumnsThereAre() throws Exception {
    CsvTable table = parse("time,status\n1,1\n");

    assertThatThrownBy(() -> table.column("event"))
        .isInstanceOf(TableException.class)
        .hasMessage("t.csv has no column 'event'; its columns are time, status");
  }

  @Test
  void anEmptyFileOrAnUnclosedQuoteIsAnError() {
    assertThatThrownBy(() -> parse("")).hasMessageContaining("is empty");
    assertThatThrownBy(() -> parse("a\n\"open\n")).hasMessageContaining("not closed");
  }

  @Test
  void aDuplicateHeaderIsAnError() {
    assertThatThrownBy(() -> parse("a,a\n1,2\n")).hasMessageContaining("'a' appears twice");
  }

  @Test
  void aLargeFileCanBeReadRowByRowWithTheSameLinesAndErrors(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file =
        java.nio.file.Files.writeString(dir.resolve("t.csv"), "a,b\n1,\"x\ny\"\n\n2,3\n4\n");
    List<String> seen = new java.util.ArrayList<>();

    assertThatThrownBy(
            () ->
                CsvTable.read(
                    file,
                    new CsvTable.RowHandler() {
                      @Override
                      public void header(List<String> names) {
                        seen.add("header " + names);
                      }

                      @Override
                      public void row(List<String> cells, int line) {
                        seen.add(line + " " + cells);
                      }
                    }))
        .isInstanceOf(TableException.class)
        .hasMessageEndingWith("line 6: 1 fields, but the header has 2");
    assertThat(seen).containsExactly("header [a, b]", "2 [1, x\ny]", "5 [2, 3]");
  }

  @Test
  void aCellOverTheLimitIsRefusedNamingItsLineAndColumn() {
    String text = "a,b\n1,\"" + "x".repeat(CsvTable.MAX_CELL_CHARS + 1) + "\"\n";

    assertThatThrownBy(() -> CsvTable.parse("big.csv", new StringReader(text)))
        .isInstanceOf(TableException.class)
        .hasMessage(
            "big.csv line 2, column 2: a cell longer than 100000 characters; refused (is the file"
                + " comma-separated, with its quotes closed?)");
  }

  @Test
  void anUnclosedQuoteIsStoppedAtTheLimitNotAtTheEndOfALargeFile() {
    // Rows after the quote (commas and line breaks included) would all go into one cell: refused at
    // the limit, naming the line where that cell began, before the rest of the file is read.
    String rows = "2,3\n".repeat(CsvTable.MAX_CELL_CHARS);
    java.util.concurrent.atomic.AtomicInteger read =
        new java.util.concurrent.atomic.AtomicInteger();
    StringReader text =
        new StringReader("a,b\n1,\"open\n" + rows) {
          @Override
          public int read(char[] buffer, int offset, int length) throws java.io.IOException {
            int n = super.read(buffer, offset, length);
            read.addAndGet(Math.max(n, 0));
            return n;
          }
        };

    assertThatThrownBy(() -> CsvTable.parse("t.csv", text))
        .isInstanceOf(TableException.class)
        .hasMessageStartingWith("t.csv line 2, column 2: a cell longer than 100000 characters");
    assertThat(read.get()).isLessThan(rows.length() / 2);
  }

  @Test
  void textAfterAClosingQuoteNamesItsLine() {
    assertThatThrownBy(() -> parse("a,b\n1,2\n3,\"x\"y\n"))
        .isInstanceOf(TableException.class)
        .hasMessage("t.csv line 3: text after a closing quote");
  }

  @Test
  void aQuoteInsideAnUnquotedFieldIsACharacterAsSpreadsheetsTakeIt() throws Exception {
    assertThat(parse("size\n5\"\n").rows()).containsExactly(List.of("5\""));
  }

  @Test
  void theLastRowNeedsNoLineBreakAndSpacesAroundQuotesAreDropped() throws Exception {
    CsvTable table = parse("a,b\n\n1, \"x\" \n  2 ,3");

    assertThat(table.rows()).containsExactly(List.of("1", "x"), List.of("2", "3"));
    assertThat(table.lineOf(0)).isEqualTo(3);
    assertThat(table.lineOf(1)).isEqualTo(4);
  }

  @Test
  void aFileThatIsNotUtf8IsSaidToBeSo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path file =
        java.nio.file.Files.write(
            dir.resolve("latin1.csv"),
            "a\nJos\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));

    assertThatThrownBy(() -> CsvTable.read(file))
        .isInstanceOf(TableException.class)
        .hasMessage(file + " is not UTF-8 text");
  }
}
