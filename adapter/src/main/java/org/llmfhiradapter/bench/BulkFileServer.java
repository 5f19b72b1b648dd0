package org.llmfhiradapter.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Resource;
import org.llmfhiradapter.fixtures.CaseRenderer;
import org.llmfhiradapter.fixtures.CaseRow;
import org.llmfhiradapter.fixtures.Flavor;
import org.llmfhiradapter.sandbox.FixtureSeeder;

/**
 * For {@code bench pull}: a Bulk Data server whose export is ready at once, as a file server
 * holding a finished export would be. The cases are rendered as the sandbox seeds them and written
 * once as NDJSON per type; the server answers the Group read, the kick-off (202), the status (the
 * manifest) and the files, streamed from disk. The embedded HAPI server builds a Group export in
 * time that grows faster than the Group (it loads what the exported resources refer to, 100
 * patients a query), which would measure HAPI, not the adapter.
 *
 * <p>Each type is split into files of at most {@value #LINES_PER_FILE} resources, as servers split
 * exports so that clients download them side by side. With a link speed, every file's bytes share
 * that bandwidth, as they would share a network link to an EHR.
 */
final class BulkFileServer implements AutoCloseable {

  private static final List<String> TYPES =
      List.of("Patient", "Condition", "Procedure", "Observation");

  static final int LINES_PER_FILE = 10_000;

  private final HttpServer http;
  private final Path folder;
  private final String baseUrl;
  private final List<String> files;
  private final Link link;

  private BulkFileServer(HttpServer http, Path folder, List<String> files, Link link) {
    this.http = http;
    this.folder = folder;
    this.files = files;
    this.link = link;
    this.baseUrl = "http://127.0.0.1:" + http.getAddress().getPort() + "/fhir";
  }

  /** A link's bandwidth shared by every download (none: as fast as loopback goes). */
  private static final class Link {
    private final double bytesPerNano;
    private long freeAt = System.nanoTime();

    Link(double megabitsPerSecond) {
      this.bytesPerNano = megabitsPerSecond * 1e6 / 8 / 1e9;
    }

    /** Waits until {@code bytes} more fit through the link. */
    void pass(int bytes) {
      if (bytesPerNano <= 0) {
        return;
      }
      long until;
      synchronized (this) {
        freeAt = Math.max(freeAt, System.nanoTime()) + (long) (bytes / bytesPerNano);
        until = freeAt;
      }
      for (long left = until - System.nanoTime(); left > 0; left = until - System.nanoTime()) {
        java.util.concurrent.locks.LockSupport.parkNanos(left);
      }
    }
  }

  /**
   * Renders the cases into NDJSON files in {@code folder} and serves them on a free loopback port.
   *
   * @param megabitsPerSecond the link's bandwidth for the files; 0 for none (loopback speed)
   */
  static BulkFileServer start(List<CaseRow> rows, Path folder, double megabitsPerSecond)
      throws IOException {
    FhirContext fhir = FhirContext.forR4Cached();
    IParser parser = fhir.newJsonParser().setPrettyPrint(false);
    Group group = new Group();
    group.setId(FixtureSeeder.CANDIDATES_GROUP);
    group.setType(Group.GroupType.PERSON).setActual(true);
    Map<String, List<String>> lines = new LinkedHashMap<>();
    TYPES.forEach(type -> lines.put(type, new ArrayList<>()));
    CaseRenderer renderer = new CaseRenderer(Flavor.MCODE);
    for (int from = 0; from < rows.size(); from += 100) {
      Bundle bundle = renderer.render(rows.subList(from, Math.min(rows.size(), from + 100)));
      for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
        Resource resource = entry.getResource();
        List<String> ofType = lines.get(resource.fhirType());
        if (ofType == null) {
          continue;
        }
        if (resource.fhirType().equals("Patient")) {
          group
              .addMember()
              .getEntity()
              .setReference("Patient/" + resource.getIdElement().getIdPart());
        }
        ofType.add(parser.encodeResourceToString(resource));
      }
    }
    List<String> files = new ArrayList<>();
    for (Map.Entry<String, List<String>> type : lines.entrySet()) {
      List<String> all = type.getValue();
      for (int from = 0, part = 1; from < all.size(); from += LINES_PER_FILE, part++) {
        String name = type.getKey() + "-" + part + ".ndjson";
        try (BufferedWriter out =
            Files.newBufferedWriter(folder.resolve(name), StandardCharsets.UTF_8)) {
          for (String line : all.subList(from, Math.min(all.size(), from + LINES_PER_FILE))) {
            out.write(line);
            out.write('\n');
          }
        }
        files.add(name);
      }
    }
    Files.writeString(folder.resolve("group.json"), parser.encodeResourceToString(group));
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    http.setExecutor(Executors.newFixedThreadPool(4));
    BulkFileServer server = new BulkFileServer(http, folder, files, new Link(megabitsPerSecond));
    http.createContext("/fhir/", server::handle);
    http.start();
    return server;
  }

  String baseUrl() {
    return baseUrl;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String group = "/fhir/Group/" + FixtureSeeder.CANDIDATES_GROUP;
      if (exchange.getRequestMethod().equals("DELETE")) {
        exchange.sendResponseHeaders(202, -1);
      } else if (path.equals(group)) {
        send(exchange, "application/fhir+json", folder.resolve("group.json"));
      } else if (path.equals(group + "/$export")) {
        exchange.getResponseHeaders().add("Content-Location", baseUrl + "/$export-poll-status");
        exchange.sendResponseHeaders(202, -1);
      } else if (path.equals("/fhir/$export-poll-status")) {
        StringBuilder manifest =
            new StringBuilder(
                "{\"transactionTime\":\""
                    + Instant.now()
                    + "\",\"request\":\""
                    + baseUrl
                    + "/Group/$export\",\"requiresAccessToken\":false,\"output\":[");
        for (int i = 0; i < files.size(); i++) {
          String type = files.get(i).substring(0, files.get(i).indexOf('-'));
          manifest
              .append(i == 0 ? "" : ",")
              .append("{\"type\":\"")
              .append(type)
              .append("\",\"url\":\"")
              .append(baseUrl)
              .append("/files/")
              .append(files.get(i))
              .append("\"}");
        }
        byte[] body =
            manifest.append("],\"error\":[]}").toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
      } else if (path.startsWith("/fhir/files/") && files.contains(path.substring(12))) {
        sendFile(exchange, folder.resolve(path.substring(12)));
      } else {
        exchange.sendResponseHeaders(404, -1);
      }
    }
  }

  private static void send(HttpExchange exchange, String contentType, Path file)
      throws IOException {
    exchange.getResponseHeaders().add("Content-Type", contentType);
    exchange.sendResponseHeaders(200, Files.size(file));
    try (OutputStream body = exchange.getResponseBody()) {
      Files.copy(file, body);
    }
  }

  /** An NDJSON file, its bytes through the link. */
  private void sendFile(HttpExchange exchange, Path file) throws IOException {
    exchange.getResponseHeaders().add("Content-Type", "application/fhir+ndjson");
    exchange.sendResponseHeaders(200, Files.size(file));
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file);
        OutputStream body = exchange.getResponseBody()) {
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        link.pass(read);
        body.write(buffer, 0, read);
      }
    }
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
