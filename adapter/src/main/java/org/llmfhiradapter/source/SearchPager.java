package org.llmfhiradapter.source;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.llmfhiradapter.source.auth.AuthInterceptor;
import org.llmfhiradapter.source.auth.Origin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every page of a search by following {@code next} links. Entries that are not matches
 * (Epic's OperationOutcome entries with {@code search.mode = outcome}, included resources) are
 * skipped, and an outcome is logged by its issue code only. A {@code next} link that repeats a page
 * already read stops the pull with an error instead of looping forever; one to another origin is
 * refused. Each page is one {@link FhirRequests} call, so a failed page is retried, never skipped.
 */
final class SearchPager {

  private static final Logger log = LoggerFactory.getLogger(SearchPager.class);

  private final IGenericClient client;
  private final FhirRequests requests;
  private final String baseUrl;

  SearchPager(IGenericClient client, FhirRequests requests, String baseUrl) {
    this.client = client;
    this.requests = requests;
    this.baseUrl = baseUrl;
  }

  /**
   * All matches of the search, of the given type.
   *
   * @param description what is searched, for error messages (resource type and parameters, no ids)
   * @param firstPage runs the first request
   */
  <T extends Resource> List<T> all(String description, Class<T> type, Supplier<Bundle> firstPage) {
    List<T> matches = new ArrayList<>();
    Set<String> seenLinks = new HashSet<>();
    Bundle page = requests.call(description, firstPage);
    int pages = 1;
    while (true) {
      collect(page, type, matches);
      Bundle.BundleLinkComponent next = page.getLink(Bundle.LINK_NEXT);
      if (next == null || next.getUrl() == null || next.getUrl().isBlank()) {
        break;
      }
      if (!AuthInterceptor.isSameOrigin(next.getUrl(), baseUrl)) {
        // Following it would send the request, and any credentials, to a server we were not told to
        // trust.
        throw new SourceException(
            description
                + ": the server's next link points to another origin ("
                + Origin.of(next.getUrl()).map(Object::toString).orElse("not a URL")
                + ", not "
                + Origin.of(baseUrl).map(Object::toString).orElse(baseUrl)
                + "); refusing to follow it");
      }
      Bundle.BundleLinkComponent self = page.getLink(Bundle.LINK_SELF);
      if ((self != null && next.getUrl().equals(self.getUrl())) || !seenLinks.add(next.getUrl())) {
        throw new SourceException(
            description
                + ": the server's next link repeats a page already read (after "
                + pages
                + " pages);"
                + " stopping instead of looping");
      }
      Bundle current = page;
      page =
          requests.call(
              description + " (page " + (pages + 1) + ")",
              () -> client.loadPage().next(current).execute());
      pages++;
    }
    return matches;
  }

  private <T extends Resource> void collect(Bundle page, Class<T> type, List<T> matches) {
    for (BundleEntryComponent entry : page.getEntry()) {
      Resource resource = entry.getResource();
      boolean outcome =
          (entry.hasSearch() && entry.getSearch().getMode() == SearchEntryMode.OUTCOME)
              || resource instanceof OperationOutcome;
      if (outcome) {
        logOutcome(resource);
        continue;
      }
      if (entry.hasSearch() && entry.getSearch().getMode() == SearchEntryMode.INCLUDE) {
        continue;
      }
      if (type.isInstance(resource)) {
        matches.add(type.cast(resource));
      }
    }
  }

  private static void logOutcome(Resource resource) {
    if (resource instanceof OperationOutcome outcome) {
      for (OperationOutcome.OperationOutcomeIssueComponent issue : outcome.getIssue()) {
        // Only severity and code: diagnostics text may quote patient data. Epic adds informational
        // notes to most searches; only warnings and errors are worth a line by default.
        if (issue.getSeverity() == OperationOutcome.IssueSeverity.INFORMATION) {
          log.debug("Server note in search results: {} {}", issue.getSeverity(), issue.getCode());
        } else {
          log.warn("Server note in search results: {} {}", issue.getSeverity(), issue.getCode());
        }
      }
    }
  }
}
