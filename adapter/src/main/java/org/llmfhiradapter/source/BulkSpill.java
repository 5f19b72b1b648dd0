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
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Exported resources filed by patient, off the heap: every NDJSON line is appended once to a file
 * on disk, and only where each patient's lines lie is kept in memory, about 16 bytes a resource.
 * Files of the export are downloaded side by side, each through a {@link Writer} of its own (one
 * spill file per writer, so that they never wait on each other); a downloaded file is added as a
 * unit: when its download breaks off or ends in a line that is not JSON, {@link Writer#rollBack}
 * forgets every line it added, so that the file can be fetched again whole without doubling anyone.
 * A patient's lines read back in the order of the manifest's files, then of the lines in each,
 * whichever download ended first.
 */
final class BulkSpill implements AutoCloseable {

  private static final JsonFactory JSON = new JsonFactory();

  /** A spill file's number sits above its offsets in a line's position (files up to 2^48 bytes). */
  private static final int OFFSET_BITS = 48;

  /**
   * Where one patient's lines lie: the unit (manifest file) each came from, its spill file and
   * offset, length.
   */
  private static final class Lines {
    int[] units = new int[8];
    long[] positions = new long[8];
    int[] lengths = new int[8];
    int size;
    boolean sorted = true;

    void add(int unit, long position, int length) {
      if (size == units.length) {
        units = Arrays.copyOf(units, size * 2);
        positions = Arrays.copyOf(positions, size * 2);
        lengths = Arrays.copyOf(lengths, size * 2);
      }
      if (size > 0
          && (units[size - 1] > unit
              || units[size - 1] == unit && positions[size - 1] > position)) {
        sorted = false;
      }
      units[size] = unit;
      positions[size] = position;
      lengths[size] = length;
      size++;
    }

    /** Indexes in manifest order (a unit's lines are in order in its spill file). */
    Integer[] order() {
      Integer[] order = new Integer[size];
      for (int i = 0; i < size; i++) {
        order[i] = i;
      }
      if (!sorted) {
        Arrays.sort(
            order,
            (a, b) ->
                units[a] != units[b]
                    ? Integer.compare(units[a], units[b])
                    : Long.compare(positions[a], positions[b]));
      }
      return order;
    }
  }

  /** Where one resource line belongs. */
  record Filed(String resourceType, String patientId) {}

  private final Path folder;
  private final List<FileChannel> files = new ArrayList<>();
  private final List<Path> paths = new ArrayList<>();
  private final Map<String, Lines> byPatient = new HashMap<>();
  private int unfiled;
  private long filed;

  BulkSpill(Path folder) {
    this.folder = folder;
  }

  /**
   * A writer with a spill file of its own, for one download at a time (one thread). Writers of the
   * same spill may write at the same time.
   */
  synchronized Writer writer() {
    try {
      Path file = Files.createTempFile(folder, "llm-bulk-spill-", ".ndjson");
      paths.add(file);
      FileChannel channel =
          FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
      files.add(channel);
      return new Writer(files.size() - 1, channel);
    } catch (IOException e) {
      throw new SourceException(
          "Bulk export: no file to spill the download to (" + e.getMessage() + ")");
    }
  }

  /** Writes the lines of one downloaded file after another into its spill file. */
  final class Writer {
    private final int number;
    private final FileChannel channel;
    private final OutputStream out;
    private long position;
    private long unitStart = -1;
    private int unit;
    // The unit's lines, filed in the index only when the whole file has arrived.
    private String[] patients = new String[1024];
    private long[] offsets = new long[1024];
    private int[] lengths = new int[1024];
    private int pending;
    private int pendingUnfiled;

    private Writer(int number, FileChannel channel) {
      this.number = number;
      this.channel = channel;
      this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
    }

    /**
     * Starts a unit (one downloaded file) that {@link #commit} keeps or {@link #rollBack} forgets.
     *
     * @param unit the file's place in the manifest (a patient's lines read back in this order)
     */
    void begin(int unit) {
      this.unit = unit;
      unitStart = position;
      pending = 0;
      pendingUnfiled = 0;
    }

    /**
     * Files one NDJSON line (UTF-8 bytes, no line end) under its patient: the Patient's own id, or
     * the one its {@code subject} names.
     *
     * @return the resource type, or null when the line names no patient (it is then left out)
     * @throws IOException when the line is not a JSON object (a body cut short)
     */
    String add(byte[] bytes, int offset, int length) throws IOException {
      Filed filed = filed(bytes, offset, length);
      if (filed.patientId() == null) {
        pendingUnfiled++;
        return null;
      }
      out.write(bytes, offset, length);
      out.write('\n');
      if (pending == patients.length) {
        patients = Arrays.copyOf(patients, pending * 2);
        offsets = Arrays.copyOf(offsets, pending * 2);
        this.lengths = Arrays.copyOf(this.lengths, pending * 2);
      }
      patients[pending] = filed.patientId();
      offsets[pending] = position;
      this.lengths[pending] = length;
      pending++;
      position += length + 1;
      return filed.resourceType();
    }

    /** {@link #add(byte[], int, int)} of a line given as text. */
    String add(String line) throws IOException {
      byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
      return add(bytes, 0, bytes.length);
    }

    /** Keeps the unit's lines: from now on they are read back. */
    void commit() throws IOException {
      out.flush();
      long base = (long) number << OFFSET_BITS;
      synchronized (BulkSpill.this) {
        for (int i = 0; i < pending; i++) {
          byPatient
              .computeIfAbsent(patients[i], id -> new Lines())
              .add(unit, base | offsets[i], lengths[i]);
        }
        unfiled += pendingUnfiled;
        filed += pending;
      }
      Arrays.fill(patients, 0, pending, null);
      pending = 0;
      unitStart = -1;
    }

    /**
     * Forgets every line of the unit: none was filed yet, and the spill file is cut back to where
     * it began.
     */
    void rollBack() throws IOException {
      if (unitStart < 0) {
        return;
      }
      out.flush();
      channel.truncate(unitStart);
      channel.position(unitStart);
      position = unitStart;
      Arrays.fill(patients, 0, pending, null);
      pending = 0;
      unitStart = -1;
    }
  }

  /** The patients with at least one line. */
  synchronized Set<String> patients() {
    return Set.copyOf(byPatient.keySet());
  }

  /**
   * Lines filed under a patient and kept (a rolled-back unit's lines are not counted): a line filed
   * twice counts twice.
   */
  synchronized long filed() {
    return filed;
  }

  /** Lines that named no patient (left out). */
  synchronized int unfiled() {
    return unfiled;
  }

  /** Whether the patient has lines in the spill. */
  synchronized boolean has(String patientId) {
    return byPatient.containsKey(patientId);
  }

  /**
   * A patient's lines, in manifest order (safe to call from several threads once the downloads
   * ended).
   */
  List<String> lines(String patientId) {
    Integer[] order;
    long[] positions;
    int[] lengths;
    synchronized (this) {
      Lines lines = byPatient.get(patientId);
      if (lines == null) {
        return List.of();
      }
      order = lines.order();
      positions = lines.positions;
      lengths = lines.lengths;
    }
    List<String> text = new ArrayList<>(order.length);
    try {
      for (int i : order) {
        ByteBuffer buffer = ByteBuffer.allocate(lengths[i]);
        FileChannel file = channel((int) (positions[i] >>> OFFSET_BITS));
        long at = positions[i] & ((1L << OFFSET_BITS) - 1);
        while (buffer.hasRemaining()) {
          int read = file.read(buffer, at + buffer.position());
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

  private synchronized FileChannel channel(int number) {
    return files.get(number);
  }

  @Override
  public synchronized void close() {
    try {
      for (FileChannel file : files) {
        file.close();
      }
      for (Path path : paths) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@link #filed(byte[], int, int)} of a line given as text. */
  static Filed filed(String line) throws IOException {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    return filed(bytes, 0, bytes.length);
  }

  /**
   * The resource type and patient of a line (UTF-8 bytes), read with a streaming parser that goes
   * through the whole line, so that a line cut short fails here; no text is decoded but the few
   * values that file it.
   */
  static Filed filed(byte[] bytes, int offset, int length) throws IOException {
    String type = null;
    String id = null;
    String subject = null;
    try (JsonParser parser = JSON.createParser(bytes, offset, length)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("a line is not a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
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
    String patient =
        "Patient".equals(type)
            ? id
            : FhirSource.patientId(new org.hl7.fhir.r4.model.Reference(subject));
    return new Filed(type, patient == null || patient.isEmpty() ? null : patient);
  }

  /**
   * The {@code reference} of the object the parser is at the start of (the object is read to its
   * end).
   */
  private static String reference(JsonParser parser) throws IOException {
    String reference = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
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
