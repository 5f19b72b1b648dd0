package org.llmfhiradapter.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Measure;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The in-memory sandbox ({@code demo}'s default server) answers what the adapter asks as HAPI FHIR
 * JPA does: the same cohort, to the last number, pulled from either, under every vendor
 * personality; FHIR's search, paging and transaction rules for what it serves; a clear 400 for what
 * it does not.
 */
@ExtendWith(SharedSandbox.class)
class InMemorySandboxIT {

  @ParameterizedTest
  @ValueSource(strings = {"generic", "epic", "cerner"})
  void theSameFixturesGiveTheSameResultsAsFromHapiJpa(
      String vendor, SandboxServer jpa, @TempDir Path out) throws Exception {
    JsonNode fromJpa;
    try {
      SandboxData.reset(jpa);
      fromJpa = SandboxData.pulledAs(jpa, vendor, 5, out.resolve("jpa"));
    } finally {
      jpa.personality(VendorPersonality.Kind.NONE);
    }
    JsonNode fromMemory;
    try (SandboxServer memory = SandboxServer.startInMemory(0, VendorPersonality.Kind.NONE)) {
      fromMemory = SandboxData.pulledAs(memory, vendor, 5, out.resolve("memory"));
    }

    assertThat(fromMemory.get("cohort").get("pulled").asInt()).isEqualTo(12);
    for (String part : List.of("cohort", "variables", "os", "rfs", "factors", "cox")) {
      assertThat(fromMemory.get(part)).as(part).isEqualTo(fromJpa.get(part));
    }
    assertThat(out.resolve("memory/cohort.csv"))
        .hasSameTextualContentAs(out.resolve("jpa/cohort.csv"));
    assertThat(out.resolve("memory/exclusions.csv"))
        .hasSameTextualContentAs(out.resolve("jpa/exclusions.csv"));
  }

  @Test
  void tokensMatchBySystemAndCodeByCodeAloneOrWithoutASystem() {
    try (SandboxServer server = SandboxServer.startInMemory(0, VendorPersonality.Kind.NONE)) {
      IGenericClient client = SandboxData.client(server);
      write(client, condition("c1", "p1", "http://snomed.info/sct", "100"));
      write(client, condition("c2", "p1", "http://hl7.org/fhir/sid/icd-10-cm", "100"));
      write(client, condition("c3", "p2", null, "100"));
      write(client, condition("c4", "p2", "http://snomed.info/sct", "200"));

      assertThat(ids(client, "Condition?code=http://snomed.info/sct|100")).containsExactly("c1");
      assertThat(ids(client, "Condition?code=100")).containsExactly("c1", "c2", "c3");
      assertThat(ids(client, "Condition?code=|100")).containsExactly("c3");
      assertThat(
              ids(client, "Condition?code=http://snomed.info/sct|100,http://snomed.info/sct|200"))
          .containsExactly("c1", "c4");
      assertThat(ids(client, "Condition?code=100&code=http://snomed.info/sct|100"))
          .containsExactly("c1");
      assertThat(ids(client, "Condition?patient=p2")).containsExactly("c3", "c4");
      assertThat(ids(client, "Condition?subject=Patient/p1")).containsExactly("c1", "c2");
      assertThat(ids(client, "Condition?_id=c2,c4")).containsExactly("c2", "c4");
    }
  }

  @Test
  void datesMatchByRangeAsCernersClosedProcedureSearchNeedsIt() {
    try (SandboxServer server = SandboxServer.startInMemory(0, VendorPersonality.Kind.NONE)) {
      IGenericClient client = SandboxData.client(server);
      write(client, procedure("early", "2019-03-04"));
      write(client, procedure("day", "2021-06-15"));
      write(client, procedure("late", "2024-01-02T10:30:00Z"));

      assertThat(ids(client, "Procedure?patient=p1&date=ge2021-06-15&date=le2021-06-15"))
          .containsExactly("day");
      assertThat(ids(client, "Procedure?patient=p1&date=ge1900-01-01T00:00:00Z&date=le2022"))
          .containsExactly("early", "day");
      assertThat(ids(client, "Procedure?patient=p1&date=gt2021-06-15")).containsExactly("late");
      assertThat(ids(client, "Procedure?patient=p1&date=lt2021-06-15")).containsExactly("early");
      assertThat(ids(client, "Procedure?patient=p1&date=2024-01")).containsExactly("late");
    }
  }

  @Test
  void aSearchPagesByNextLinksAndYieldsEveryMatchOnce() {
    try (SandboxServer server = SandboxServer.startInMemory(0, VendorPersonality.Kind.NONE)) {
      IGenericClient client = SandboxData.client(server);
      Bundle many = new Bundle().setType(Bundle.BundleType.TRANSACTION);
      for (int i = 0; i < 60; i++) {
        Condition condition = condition("m" + i, "p" + i, "http://snomed.info/sct", "100");
        many.addEntry()
            .setResource(condition)
            .getRequest()
            .setMethod(Bundle.HTTPVerb.PUT)
            .setUrl("Condition/m" + i);
      }
      client.transaction().withBundle(many).execute();

      Bundle page =
          client
              .search()
              .byUrl("Condition?code=100&_count=25")
              .returnBundle(Bundle.class)
              .execute();
      List<String> seen = new ArrayList<>();
      int pages = 0;
      while (true) {
        pages++;
        page.getEntry().forEach(e -> seen.add(e.getResource().getIdElement().getIdPart()));
        if (page.getLink(Bundle.LINK_NEXT) == null) {
          break;
        }
        page = client.loadPage().next(page).execute();
      }

      assertThat(pages).isEqualTo(3);
      assertThat(seen).hasSize(60).doesNotHaveDuplicates();
      assertThat(page.getTotal()).isEqualTo(60);
    }
  }

  @Test
  void aTransactionLinksItsEntriesAndItsConditionalWritesKeepOneOfEach() {
    try (SandboxServer server = SandboxServer.startInMemory(0, VendorPersonality.Kind.NONE)) {
      IGenericClient client = SandboxData.client(server);

      Bundle first = client.transaction().withBundle(publication(1)).execute();
      Bundle second = client.transaction().withBundle(publication(2)).execute();

      assertThat(statuses(first)).containsExactly("201 Created", "201 Created", "201 Created");
      // The Measure exists: not written again; the report's identifier matches: updated.
      assertThat(statuses(second)).containsExactly("200 OK", "200 OK", "201 Created");
      List<Resource> measures = found(client, "Measure?url=http://example.org/Measure/m");
      List<Resource> reports = found(client, "MeasureReport?identifier=urn:x|r1");
      assertThat(measures).hasSize(1);
      assertThat(reports).hasSize(1);
      MeasureReport report = (MeasureReport) reports.get(0);
      assertThat(report.getMeta().getVersionId()).isEqualTo("2");
      assertThat(report.getMeasure()).isEqualTo("http://example.org/Measure/m");
      assertThat(report.getGroupFirstRep().getPopulationFirstRep().getCount()).isEqualTo(2);
      // Each Provenance points at the report by the id the transaction gave it, not its urn.
      for (Resource resource : found(client, "Provenance?")) {
        assertThat(((Provenance) resource).getTargetFirstRep().getReference())
            .isEqualTo("MeasureReport/" + report.getIdElement().getIdPart());
      }
    }
  }

  @Test
  void aTransactionWithAnEntryItCannotDoWritesNothing() {
    try (SandboxServer server = SandboxServer.startInMemory(0, VendorPersonality.Kind.NONE)) {
      IGenericClient client = SandboxData.client(server);
      Bundle transaction = publication(1);
      transaction.addEntry().getRequest().setMethod(Bundle.HTTPVerb.DELETE).setUrl("Patient/p1");

      assertThatThrownBy(() -> client.transaction().withBundle(transaction).execute())
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("not DELETE Patient/p1");
      Bundle withoutMethod = publication(1);
      withoutMethod.getEntry().get(2).setRequest(null);
      assertThatThrownBy(() -> client.transaction().withBundle(withoutMethod).execute())
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("(Provenance, urn:uuid:provenance-1) has no request method");
      assertThat(found(client, "Measure?url=http://example.org/Measure/m")).isEmpty();
      assertThat(found(client, "MeasureReport?identifier=urn:x|r1")).isEmpty();
    }
  }

  @Test
  void aSearchItCannotAnswerIsRefusedByNameNeverIgnored() {
    try (SandboxServer server = SandboxServer.startInMemory(0, VendorPersonality.Kind.NONE)) {
      IGenericClient client = SandboxData.client(server);
      write(client, condition("c1", "p1", "http://snomed.info/sct", "100"));

      assertThatThrownBy(() -> found(client, "Condition?onset-date=ge2020"))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("does not search Condition by 'onset-date'")
          .hasMessageContaining("category, code, patient, subject")
          .hasMessageContaining("llm.sandbox.store=jpa");
      assertThatThrownBy(() -> found(client, "Condition?_lastUpdated=ge2020"))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("'_lastUpdated'");
      assertThatThrownBy(() -> found(client, "Condition?code:text=liver"))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("'code:text'");
    }
  }

  @Test
  void aVendorPersonalityAppliesToItAsToHapiJpa() {
    try (SandboxServer server = SandboxServer.startInMemory(0, VendorPersonality.Kind.EPIC)) {
      IGenericClient client = SandboxData.client(server);

      assertThatThrownBy(() -> found(client, "Observation?patient=p1"))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("Observation search requires code or category");
    }
  }

  /** A Measure (created once), a MeasureReport (updated by identifier) and its Provenance. */
  private static Bundle publication(int count) {
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    Measure measure = new Measure().setUrl("http://example.org/Measure/m").setVersion("1");
    transaction
        .addEntry()
        .setFullUrl("urn:uuid:measure-" + count)
        .setResource(measure)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Measure")
        .setIfNoneExist("url=http%3A%2F%2Fexample.org%2FMeasure%2Fm&version=1");
    MeasureReport report = new MeasureReport().setMeasure(measure.getUrl());
    report.addIdentifier(new Identifier().setSystem("urn:x").setValue("r1"));
    report.addGroup().addPopulation().setCount(count);
    transaction
        .addEntry()
        .setFullUrl("urn:uuid:report-" + count)
        .setResource(report)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.PUT)
        .setUrl("MeasureReport?identifier=urn%3Ax%7Cr1");
    Provenance provenance = new Provenance();
    provenance.addTarget(new Reference("urn:uuid:report-" + count));
    transaction
        .addEntry()
        .setFullUrl("urn:uuid:provenance-" + count)
        .setResource(provenance)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Provenance");
    return transaction;
  }

  private static Condition condition(String id, String patient, String system, String code) {
    Condition condition = new Condition();
    condition.setId(id);
    condition.setSubject(new Reference("Patient/" + patient));
    condition.getCode().addCoding().setSystem(system).setCode(code);
    return condition;
  }

  private static Procedure procedure(String id, String performed) {
    Procedure procedure = new Procedure();
    procedure.setId(id);
    procedure.setSubject(new Reference("Patient/p1"));
    procedure.setPerformed(new DateTimeType(performed));
    return procedure;
  }

  private static void write(IGenericClient client, Resource resource) {
    client.update().resource(resource).execute();
  }

  private static List<Resource> found(IGenericClient client, String url) {
    List<Resource> resources = new ArrayList<>();
    Bundle page = client.search().byUrl(url).returnBundle(Bundle.class).execute();
    page.getEntry().forEach(e -> resources.add(e.getResource()));
    return resources;
  }

  private static List<String> ids(IGenericClient client, String url) {
    return found(client, url).stream().map(r -> r.getIdElement().getIdPart()).toList();
  }

  private static List<String> statuses(Bundle response) {
    return response.getEntry().stream().map(e -> e.getResponse().getStatus()).toList();
  }
}
