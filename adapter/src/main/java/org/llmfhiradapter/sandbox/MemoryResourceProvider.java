package org.llmfhiradapter.sandbox;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.SimpleBundleProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;

/**
 * One resource type of the in-memory sandbox over HAPI's plain server: read, search ({@link
 * MemorySearch}: HAPI pages the matches) and update by id.
 */
final class MemoryResourceProvider implements IResourceProvider {

  private final Class<? extends Resource> type;
  private final MemoryStore store;

  MemoryResourceProvider(Class<? extends Resource> type, MemoryStore store) {
    this.type = type;
    this.store = store;
  }

  @Override
  public Class<? extends IBaseResource> getResourceType() {
    return type;
  }

  @Read
  public Resource read(@IdParam IdType id) {
    return store
        .read(typeName(), id.getIdPart())
        .orElseThrow(() -> new ResourceNotFoundException(id));
  }

  /** Every parameter reaches {@link MemorySearch}, which refuses those it does not answer. */
  @Search(allowUnknownParams = true)
  public IBundleProvider search(RequestDetails request) {
    Map<String, List<String>> parameters = new LinkedHashMap<>();
    request.getParameters().forEach((name, values) -> parameters.put(name, Arrays.asList(values)));
    return new SimpleBundleProvider(store.search(typeName(), parameters));
  }

  /**
   * An update by id (the seeding's candidate Group). Conditional writes come in transactions
   * ({@link MemoryTransaction}), as the publication sends them.
   */
  @Update
  public MethodOutcome update(@IdParam IdType id, @ResourceParam Resource resource) {
    if (id == null || !id.hasIdPart()) {
      throw new InvalidRequestException("An update names the " + typeName() + " by its id");
    }
    resource.setId(typeName() + "/" + id.getIdPart());
    return outcome(store.put(resource));
  }

  private MethodOutcome outcome(MemoryStore.Written written) {
    MethodOutcome outcome =
        new MethodOutcome(
            new IdType(written.type(), written.id(), String.valueOf(written.version())));
    outcome.setCreated(written.created());
    return outcome;
  }

  private String typeName() {
    return type.getSimpleName();
  }
}
