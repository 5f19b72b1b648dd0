package org.llmfhiradapter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmfhiradapter.testing.ChildJvm;

/**
 * Inputs larger than the memory given to the adapter, in a JVM of its own with a small heap: NDJSON
 * is read line by line whatever its size, and a single resource, line or cell over its documented
 * limit is refused by name (exit 2), never an OutOfMemoryError. The files are made here, at test
 * time.
 */
class BoundedMemoryIT {

  /**
   * Enough for the validator's own definitions; far less than the inputs below would take if held.
   */
  private static final String HEAP = "-Xmx256m";

  @TempDir Path dir;

  @Test
  void validateStreamsHugeNdjsonAndRefusesEachOversizedResourceByName() throws Exception {
    // 200 MB of NDJSON in 1,000 resources of 200 KB: read whole, it would not fit in the heap.
    Path many = dir.resolve("many.ndjson");
    String text = "x".repeat(200 * 1024);
    try (BufferedWriter out = Files.newBufferedWriter(many, StandardCharsets.UTF_8)) {
      for (int i = 0; i < 1_000; i++) {
        out.write(
            "{\"resourceType\":\"Basic\",\"id\":\"b"
                + i
                + "\",\"code\":{\"text\":\""
                + text
                + "\"}}\n");
      }
    }
    // One line of 200 MB.
    Path oneLine =
        write(
            "one-line.ndjson", "{\"resourceType\":\"Basic\",\"code\":{\"text\":\"", 200, "\"}}\n");
    // An array of 2,000,000 elements in a 4 MB document, and a Patient with 100,000 names.
    Path array = dir.resolve("array.json");
    Files.writeString(
        array, "{\"resourceType\":\"Basic\",\"extension\":[" + "0,".repeat(1_999_999) + "0]}");
    Path names = dir.resolve("names.ndjson");
    Files.writeString(
        names,
        "{\"resourceType\":\"Patient\",\"name\":["
            + "{\"family\":\"X\"},".repeat(99_999)
            + "{\"family\":\"X\"}]}\n");

    Result run =
        java("validate", many.toString(), oneLine.toString(), array.toString(), names.toString());

    assertThat(run.exit()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).doesNotContain("OutOfMemoryError").doesNotContain("\tat ");
    assertThat(run.out()).contains("1000 resources: 0 errors").contains("3 inputs unusable");
    assertThat(run.err())
        .contains("one-line.ndjson line 1: longer than the 16 MB one resource may be")
        .contains("array.json: more than 2000000 JSON values in one document")
        .contains("names.ndjson line 1: a Patient with more than 200000 JSON values");
  }

  @Test
  void analyzeRefusesA300MegabyteCellInOneLine() throws Exception {
    Path csv = write("cell.csv", "time,status,note\n10,1,\"", 300, "\"\n");

    Result run = java("analyze", "--csv", csv.toString(), "--time", "time", "--event", "status");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err().strip())
        .startsWith("error: ")
        .contains("line 2, column 3: a cell longer than 100000 characters")
        .doesNotContain("OutOfMemoryError");
    assertThat(run.err().strip().lines()).hasSize(1);
  }

  /** A file of {@code prefix}, then {@code megabytes} MB of one letter, then {@code suffix}. */
  private Path write(String name, String prefix, int megabytes, String suffix) throws IOException {
    Path file = dir.resolve(name);
    String chunk = "y".repeat(1024 * 1024);
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write(prefix);
      for (int i = 0; i < megabytes; i++) {
        out.write(chunk);
      }
      out.write(suffix);
    }
    return file;
  }

  private record Result(int exit, String out, String err) {}

  private Result java(String... args) throws IOException, InterruptedException {
    List<String> command = ChildJvm.command(List.of(HEAP, "-XX:+UseSerialGC"), args);
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
    String errors =
        Files.readAllLines(err).stream()
            .filter(l -> !l.contains(" DEBUG ") && !l.contains(" INFO "))
            .reduce("", (a, b) -> a + b + "\n");
    return new Result(process.exitValue(), Files.readString(out), errors);
  }
}
