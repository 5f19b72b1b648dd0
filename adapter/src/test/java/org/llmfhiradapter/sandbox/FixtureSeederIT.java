package org.llmfhiradapter.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IRestfulClientFactory;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.llmfhiradapter.fixtures.Flavor;

@ExtendWith(SharedSandbox.class)
class FixtureSeederIT {

  @Test
  void seedingLeavesTheClientSettingsOfTheContextItWasGivenAsTheyWere(SandboxServer server) {
    // The context is process-wide in the CLI (FhirContext.forR4Cached): a seeder that set its own
    // timeouts on that context's client factory would change them for every other client made from
    // it afterwards.
    FhirContext context = FhirContext.forR4();
    IRestfulClientFactory shared = context.getRestfulClientFactory();
    shared.setSocketTimeout(7_000);
    shared.setServerValidationMode(ServerValidationModeEnum.ONCE);

    SandboxData.reset(server);
    int written =
        new FixtureSeeder(context, Flavor.MCODE)
            .seed(server.baseUrl(), SandboxData.FIXTURES.resolve("small"));

    assertThat(written).isGreaterThan(1);
    assertThat(SandboxData.count(server, "Patient", "_lastUpdated=gt1900-01-01")).isPositive();
    assertThat(shared.getSocketTimeout()).isEqualTo(7_000);
    assertThat(shared.getServerValidationMode()).isEqualTo(ServerValidationModeEnum.ONCE);
  }
}
