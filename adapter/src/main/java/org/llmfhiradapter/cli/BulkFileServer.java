package org.llmfhiradapter.cli;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
 * For {@code bench pull}: a Bulk Data server whose export is ready at once, as a file server holding a finished
 * export would be. The cases are rendered as the sandbox seeds them and written once as NDJSON per type; the
 * server answers the Group read, the kick-off (202), the status (the manifest) and the files, streamed from
 * disk. The embedded HAPI server builds a Group export in time that grows faster than the Group (it loads what
 * the exported resources refer to, 100 patients a query), which would measure HAPI, not the adapter.
 */
final class BulkFileServer implements AutoCloseable {

  private static final List<String> TYPES = List.of("Patient", "Condition", "Procedure", "Observation");

  private final HttpServer http;
  private final Path folder;
  private final String baseUrl;

  private BulkFileServer(HttpServer http, Path folder) {
    this.http = http;
    this.folder = folder;
    this.baseUrl = "http://127.0.0.1:" + http.getAddress().getPort() + "/fhir";
  }

  /** Renders the cases into NDJSON files in {@code folder} and serves them on a free loopback port. */
  static BulkFileServer start(List<CaseRow> rows, Path folder) throws IOException {
    FhirContext fhir = FhirContext.forR4Cached();
    IParser parser = fhir.newJsonParser().setPrettyPrint(false);
    Group group = new Group();
    group.setId(FixtureSeeder.CANDIDATES_GROUP);
    group.setType(Group.GroupType.PERSON).setActual(true);
    Map<String, BufferedWriter> files = new LinkedHashMap<>();
    for (String type : TYPES) {
      files.put(type, Files.newBufferedWriter(folder.resolve(type + ".ndjson"), StandardCharsets.UTF_8));
    }
    CaseRenderer renderer = new CaseRenderer(Flavor.MCODE);
    for (int from = 0; from < rows.size(); from += 100) {
      Bundle bundle = renderer.render(rows.subList(from, Math.min(rows.size(), from + 100)));
      for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
        Resource resource = entry.getResource();
        BufferedWriter out = files.get(resource.fhirType());
        if (out == null) {
          continue;
        }
        if (resource.fhirType().equals("Patient")) {
          group.addMember().getEntity().setReference("Patient/" + resource.getIdElement().getIdPart());
        }
        out.write(parser.encodeResourceToString(resource));
        out.newLine();
      }
    }
    for (BufferedWriter out : files.values()) {
      out.close();
    }
    Files.writeString(folder.resolve("group.json"), parser.encodeResourceToString(group));
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    http.setExecutor(Executors.newFixedThreadPool(4));
    BulkFileServer server = new BulkFileServer(http, folder);
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
        StringBuilder manifest = new StringBuilder("{\"transactionTime\":\"" + Instant.now()
            + "\",\"request\":\"" + baseUrl + "/Group/$export\",\"requiresAccessToken\":false,\"output\":[");
        for (int i = 0; i < TYPES.size(); i++) {
          manifest.append(i == 0 ? "" : ",").append("{\"type\":\"").append(TYPES.get(i)).append("\",\"url\":\"")
              .append(baseUrl).append("/files/").append(TYPES.get(i)).append(".ndjson\"}");
        }
        byte[] body = manifest.append("],\"error\":[]}").toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
      } else if (path.startsWith("/fhir/files/") && TYPES.contains(path.substring(12).replace(".ndjson", ""))) {
        send(exchange, "application/fhir+ndjson", folder.resolve(path.substring(12)));
      } else {
        exchange.sendResponseHeaders(404, -1);
      }
    }
  }

  private static void send(HttpExchange exchange, String contentType, Path file) throws IOException {
    exchange.getResponseHeaders().add("Content-Type", contentType);
    exchange.sendResponseHeaders(200, Files.size(file));
    try (OutputStream body = exchange.getResponseBody()) {
      Files.copy(file, body);
    }
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
