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
  void aLargeFileCanBeReadRowByRowWithTheSameLinesAndErrors(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("t.csv"), "a,b\n1,\"x\ny\"\n\n2,3\n4\n");
    List<String> seen = new java.util.ArrayList<>();

    assertThatThrownBy(() -> CsvTable.read(file, new CsvTable.RowHandler() {
      @Override
      public void header(List<String> names) {
        seen.add("header " + names);
      }

      @Override
      public void row(List<String> cells, int line) {
        seen.add(line + " " + cells);
      }
    })).isInstanceOf(TableException.class).hasMessageEndingWith("line 6: 1 fields, but the header has 2");
    assertThat(seen).containsExactly("header [a, b]", "2 [1, x\ny]", "5 [2, 3]");
  }

  @Test
  void aCellOverTheLimitIsRefusedNamingItsLineAndColumn() {
    String text = "a,b\n1,\"" + "x".repeat(CsvTable.MAX_CELL_CHARS + 1) + "\"\n";

    assertThatThrownBy(() -> CsvTable.parse("big.csv", new StringReader(text)))
        .isInstanceOf(TableException.class)
        .hasMessage("big.csv line 2, column 2: a cell longer than 100000 characters; refused (is the file"
            + " comma-separated, with its quotes closed?)");
  }
}
