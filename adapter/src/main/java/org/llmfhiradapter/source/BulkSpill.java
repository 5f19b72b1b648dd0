package org.llmfhiradapter.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Exported resources filed by patient, off the heap: every NDJSON line is appended once to one file on disk, and
 * only where each patient's lines lie (offset and length) is kept in memory, about 12 bytes a resource. A file of
 * the export is added as a unit: when its download breaks off or ends in a line that is not JSON, {@link
 * #rollBack} forgets every line it added, so that the file can be fetched again whole without doubling anyone.
 */
final class BulkSpill implements AutoCloseable {

  private static final JsonFactory JSON = new JsonFactory();

  /** Where one patient's lines lie in the spill file. */
  private static final class Lines {
    long[] offsets = new long[8];
    int[] lengths = new int[8];
    int size;

    void add(long offset, int length) {
      if (size == offsets.length) {
        offsets = Arrays.copyOf(offsets, size * 2);
        lengths = Arrays.copyOf(lengths, size * 2);
      }
      offsets[size] = offset;
      lengths[size] = length;
      size++;
    }

    void dropFrom(long offset) {
      while (size > 0 && offsets[size - 1] >= offset) {
        size--;
      }
    }
  }

  /** Where one resource line belongs. */
  record Filed(String resourceType, String patientId) {}

  private final Path file;
  private final FileChannel channel;
  private final OutputStream out;
  private final Map<String, Lines> byPatient = new HashMap<>();
  private long position;
  private long unitStart = -1;
  private final Set<String> unitPatients = new HashSet<>();
  private int unfiled;

  BulkSpill(Path folder) {
    try {
      file = Files.createTempFile(folder, "llm-bulk-spill-", ".ndjson");
      channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
      out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
    } catch (IOException e) {
      throw new SourceException("Bulk export: no file to spill the download to (" + e.getMessage() + ")");
    }
  }

  /** Starts a unit (one downloaded file) that {@link #commit} keeps or {@link #rollBack} forgets. */
  void begin() {
    unitStart = position;
    unitPatients.clear();
  }

  /**
   * Files one NDJSON line under its patient (the Patient's own id, or the one its {@code subject} names).
   *
   * @return the resource type, or null when the line names no patient (it is then left out)
   * @throws IOException when the line is not a JSON object (a body cut short)
   */
  String add(String line) throws IOException {
    Filed filed = filed(line);
    if (filed.patientId() == null) {
      unfiled++;
      return null;
    }
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    out.write(bytes);
    out.write('\n');
    byPatient.computeIfAbsent(filed.patientId(), id -> new Lines()).add(position, bytes.length);
    unitPatients.add(filed.patientId());
    position += bytes.length + 1;
    return filed.resourceType();
  }

  /** Keeps the unit's lines. */
  void commit() throws IOException {
    out.flush();
    unitStart = -1;
    unitPatients.clear();
  }

  /** Forgets every line of the unit, on disk and in the index. */
  void rollBack() throws IOException {
    if (unitStart < 0) {
      return;
    }
    out.flush();
    for (String patient : unitPatients) {
      Lines lines = byPatient.get(patient);
      lines.dropFrom(unitStart);
      if (lines.size == 0) {
        byPatient.remove(patient);
      }
    }
    channel.truncate(unitStart);
    channel.position(unitStart);
    position = unitStart;
    unitStart = -1;
    unitPatients.clear();
  }

  /** The patients with at least one line. */
  Set<String> patients() {
    return Set.copyOf(byPatient.keySet());
  }

  /** Lines that named no patient (left out). */
  int unfiled() {
    return unfiled;
  }

  /** Whether the patient has lines in the spill. */
  boolean has(String patientId) {
    return byPatient.containsKey(patientId);
  }

  /** A patient's lines, in the order they were added (safe to call from several threads once downloads ended). */
  List<String> lines(String patientId) {
    Lines lines = byPatient.get(patientId);
    if (lines == null) {
      return List.of();
    }
    List<String> text = new ArrayList<>(lines.size);
    try {
      for (int i = 0; i < lines.size; i++) {
        ByteBuffer buffer = ByteBuffer.allocate(lines.lengths[i]);
        long at = lines.offsets[i];
        while (buffer.hasRemaining()) {
          int read = channel.read(buffer, at + buffer.position());
          if (read < 0) {
            throw new IOException("the spill file ends early");
          }
        }
        text.add(new String(buffer.array(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text;
  }

  @Override
  public void close() {
    try {
      channel.close();
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The resource type and patient of a line, read with a streaming parser that goes through the whole line, so
   * that a line cut short fails here.
   */
  static Filed filed(String line) throws IOException {
    String type = null;
    String id = null;
    String subject = null;
    try (JsonParser parser = JSON.createParser(line)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("a line is not a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.getCurrentName();
        JsonToken value = parser.nextToken();
        if (field.equals("resourceType") && value == JsonToken.VALUE_STRING) {
          type = parser.getText();
        } else if (field.equals("id") && value == JsonToken.VALUE_STRING) {
          id = parser.getText();
        } else if (field.equals("subject") && value == JsonToken.START_OBJECT) {
          subject = reference(parser);
        } else {
          parser.skipChildren();
        }
      }
      if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
        throw new IOException("a line is not one JSON object");
      }
    }
    String patient = "Patient".equals(type) ? id
        : FhirSource.patientId(new org.hl7.fhir.r4.model.Reference(subject));
    return new Filed(type, patient == null || patient.isEmpty() ? null : patient);
  }

  /** The {@code reference} of the object the parser is at the start of (the object is read to its end). */
  private static String reference(JsonParser parser) throws IOException {
    String reference = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.getCurrentName();
      JsonToken value = parser.nextToken();
      if (field.equals("reference") && value == JsonToken.VALUE_STRING) {
        reference = parser.getText();
      } else {
        parser.skipChildren();
      }
    }
    return reference;
  }
}
