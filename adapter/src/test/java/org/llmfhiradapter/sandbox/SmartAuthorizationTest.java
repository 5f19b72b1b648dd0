package org.llmfhiradapter.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the SMART sandbox lets a token do, by its system scopes (SMART v1 and v2 spellings). */
class SmartAuthorizationTest {

  private static SmartAuthorization.Grant grant(String... scopes) {
    return new SmartAuthorization.Grant("client", Set.of(scopes), Instant.MAX);
  }

  @Test
  void readScopesReadTheirTypeOnly() {
    SmartAuthorization.Grant grant = grant("system/Patient.read", "system/Condition.rs");

    assertThat(grant.permits("Patient", false)).isTrue();
    assertThat(grant.permits("Condition", false)).isTrue();
    assertThat(grant.permits("Observation", false)).isFalse();
    assertThat(grant.permits("Patient", true)).as("no write").isFalse();
    assertThat(grant.permits(null, false)).as("a next page: any read").isTrue();
  }

  @Test
  void writeAndWildcardScopes() {
    assertThat(grant("system/*.write").permits("MeasureReport", true)).isTrue();
    assertThat(grant("system/*.write").permits("MeasureReport", false)).isFalse();
    assertThat(grant("system/MeasureReport.cu").permits("MeasureReport", true)).isTrue();
    assertThat(grant("system/*.*").permits("Group", true)).isTrue();
  }

  @Test
  void aTokenRequestMustBeAClientCredentialsGrantWithAJwtAssertion() {
    assertThatThrownBy(() -> SmartAuthorization.clientAssertion(Map.of("grant_type", "password")))
        .isInstanceOf(SmartAuthorization.Refusal.class)
        .satisfies(
            e ->
                assertThat(((SmartAuthorization.Refusal) e).error())
                    .isEqualTo("unsupported_grant_type"));
    assertThatThrownBy(
            () ->
                SmartAuthorization.clientAssertion(
                    Map.of(
                        "grant_type",
                        "client_credentials",
                        "client_assertion_type",
                        SmartAuthorization.JWT_BEARER,
                        "client_assertion",
                        "not-a-jwt")))
        .isInstanceOf(SmartAuthorization.Refusal.class)
        .satisfies(
            e -> assertThat(((SmartAuthorization.Refusal) e).error()).isEqualTo("invalid_client"));
  }
}
