package org.llmfhiradapter.sandbox;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Resource;

/**
 * The resources of the in-memory sandbox, by type and id, in the order they were first written,
 * each with its version and last-updated time. Readers get copies: a caller that changes what it
 * got changes nothing here. One lock serialises writes and searches; a sandbox serves a handful of
 * pull threads, for which that is no bottleneck.
 */
final class MemoryStore {

  /** What a write did. */
  record Written(String type, String id, int version, boolean created) {
    String location() {
      return type + "/" + id + "/_history/" + version;
    }
  }

  private final Map<String, Map<String, Resource>> byType = new LinkedHashMap<>();
  private long lastId;

  synchronized Optional<Resource> read(String type, String id) {
    return Optional.ofNullable(byType.getOrDefault(type, Map.of()).get(id)).map(Resource::copy);
  }

  /**
   * The resources of the type matching every parameter, in the order they were first written.
   *
   * @throws InvalidRequestException for a parameter the store does not answer ({@link
   *     MemorySearch})
   */
  synchronized List<Resource> search(String type, Map<String, List<String>> parameters) {
    MemorySearch.requireSupported(type, parameters.keySet());
    List<Resource> found = new ArrayList<>();
    for (Resource resource : byType.getOrDefault(type, Map.of()).values()) {
      if (MemorySearch.matches(resource, parameters)) {
        found.add(resource.copy());
      }
    }
    return found;
  }

  /**
   * The one resource a conditional URL ({@code Type?name=value&...}) names, if any.
   *
   * @throws PreconditionFailedException if it matches more than one, as FHIR requires
   */
  synchronized Optional<Resource> matchOne(String conditionalUrl) {
    int question = conditionalUrl.indexOf('?');
    if (question < 0) {
      throw new InvalidRequestException("Not a conditional URL: '" + conditionalUrl + "'");
    }
    String type = conditionalUrl.substring(0, question);
    List<Resource> found = search(type, query(conditionalUrl.substring(question + 1)));
    if (found.size() > 1) {
      throw new PreconditionFailedException(
          conditionalUrl
              + " matches "
              + found.size()
              + " resources; a conditional write needs one");
    }
    return found.stream().findFirst();
  }

  /** Writes the resource under its own id (a new one if it has none), as a new version. */
  synchronized Written put(Resource resource) {
    String type = resource.fhirType();
    String id =
        resource.getIdElement().hasIdPart()
            ? resource.getIdElement().getIdPart()
            : String.valueOf(++lastId);
    Map<String, Resource> resources = byType.computeIfAbsent(type, t -> new LinkedHashMap<>());
    Resource previous = resources.get(id);
    int version = previous == null ? 1 : Integer.parseInt(previous.getMeta().getVersionId()) + 1;
    Resource stored = resource.copy();
    stored.setId(new IdType(type, id, String.valueOf(version)));
    stored.getMeta().setVersionId(String.valueOf(version)).setLastUpdatedElement(InstantType.now());
    resources.put(id, stored);
    return new Written(type, id, version, previous == null);
  }

  /** A new id for a resource about to be created (a transaction assigns them before writing). */
  synchronized String newId() {
    return String.valueOf(++lastId);
  }

  /** A query string as name to values, decoded. */
  static Map<String, List<String>> query(String query) {
    Map<String, List<String>> parameters = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = decode(equals < 0 ? pair : pair.substring(0, equals));
      String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
      parameters.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
    }
    return parameters;
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }
}
