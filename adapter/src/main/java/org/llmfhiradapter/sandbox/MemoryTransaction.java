package org.llmfhiradapter.sandbox;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.Transaction;
import ca.uhn.fhir.rest.annotation.TransactionParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * A FHIR transaction on the in-memory store: the creates and updates that seeding and publishing
 * send. Every entry's target is settled first (a conditional create that matches writes nothing; a
 * conditional update updates its match or creates), then the references between entries ({@code
 * urn:uuid:} full URLs) are pointed at the ids they got, then all is written under the store's
 * lock: a refused entry leaves the store unchanged. Reads, deletes and patches in a transaction are
 * refused; the adapter sends none.
 */
final class MemoryTransaction {

  private record Target(Bundle.BundleEntryComponent entry, Resource resource, boolean write) {}

  private final FhirContext fhirContext;
  private final MemoryStore store;

  MemoryTransaction(FhirContext fhirContext, MemoryStore store) {
    this.fhirContext = fhirContext;
    this.store = store;
  }

  /** POST of a transaction Bundle to the base (a plain provider of HAPI's server). */
  @Transaction
  public Bundle apply(@TransactionParam Bundle transaction) {
    if (transaction.getType() != Bundle.BundleType.TRANSACTION) {
      throw new InvalidRequestException(
          "The in-memory sandbox takes Bundles of type transaction at its base, not "
              + transaction.getType());
    }
    synchronized (store) {
      List<Target> targets = new ArrayList<>();
      Map<String, String> newReferences = new HashMap<>();
      for (Bundle.BundleEntryComponent entry : transaction.getEntry()) {
        Target target = settle(entry);
        targets.add(target);
        if (entry.hasFullUrl()) {
          newReferences.put(
              entry.getFullUrl(),
              target.resource().fhirType() + "/" + target.resource().getIdElement().getIdPart());
        }
      }
      Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
      for (Target target : targets) {
        Bundle.BundleEntryResponseComponent outcome = response.addEntry().getResponse();
        if (!target.write()) {
          outcome
              .setStatus("200 OK")
              .setLocation(target.resource().getIdElement().toUnqualified().getValue());
          continue;
        }
        pointAt(newReferences, target.resource());
        MemoryStore.Written written = store.put(target.resource());
        outcome
            .setStatus(written.created() ? "201 Created" : "200 OK")
            .setLocation(written.location())
            .setEtag("W/\"" + written.version() + "\"");
      }
      return response;
    }
  }

  /** The resource an entry writes, with the id it is written under (or its match, unwritten). */
  private Target settle(Bundle.BundleEntryComponent entry) {
    Bundle.BundleEntryRequestComponent request = entry.getRequest();
    Resource resource = entry.getResource();
    String url = request.getUrl() == null ? "" : request.getUrl();
    if (request.getMethod() == null || request.getMethod() == Bundle.HTTPVerb.NULL) {
      throw new InvalidRequestException(
          "A transaction entry ("
              + (resource == null ? "no resource" : resource.fhirType())
              + (entry.hasFullUrl() ? ", " + entry.getFullUrl() : "")
              + ") has no request method: give it request.method POST or PUT");
    }
    if (request.getMethod() != Bundle.HTTPVerb.POST && request.getMethod() != Bundle.HTTPVerb.PUT) {
      throw new InvalidRequestException(
          "The in-memory sandbox's transactions create and update (POST, PUT); not "
              + request.getMethod()
              + " "
              + url);
    }
    if (resource == null) {
      throw new InvalidRequestException(
          request.getMethod()
              + " "
              + url
              + " in a transaction of the in-memory sandbox has no resource");
    }
    Resource written = resource.copy();
    if (request.getMethod() == Bundle.HTTPVerb.POST) {
      if (request.hasIfNoneExist()) {
        Optional<Resource> existing =
            store.matchOne(resource.fhirType() + "?" + request.getIfNoneExist());
        if (existing.isPresent()) {
          return new Target(entry, existing.get(), false);
        }
      }
      written.setId(resource.fhirType() + "/" + store.newId());
    } else if (url.contains("?")) {
      String id =
          store
              .matchOne(url)
              .map(match -> match.getIdElement().getIdPart())
              .orElseGet(store::newId);
      written.setId(resource.fhirType() + "/" + id);
    } else {
      String id = url.substring(url.indexOf('/') + 1);
      if (!url.startsWith(resource.fhirType() + "/") || id.isEmpty() || id.contains("/")) {
        throw new InvalidRequestException(
            "PUT " + url + " does not name a " + resource.fhirType() + " by its id");
      }
      written.setId(resource.fhirType() + "/" + id);
    }
    return new Target(entry, written, true);
  }

  /** Points the resource's references to other entries at the ids those entries got. */
  private void pointAt(Map<String, String> newReferences, Resource resource) {
    for (Reference reference :
        fhirContext.newTerser().getAllPopulatedChildElementsOfType(resource, Reference.class)) {
      String target = newReferences.get(reference.getReference());
      if (target != null) {
        reference.setReference(target);
      }
    }
  }
}
