package org.llmfhiradapter.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.llmfhiradapter.cli.CliRun;
import org.llmfhiradapter.testing.LogCapture;
import org.llmfhiradapter.testing.TestKeys;

/**
 * The rehearsal of docs/ehr-setup.md on one machine: a key pair, its JWK Set from `jwks`, the
 * sandbox as a SMART Backend Services server that knows that client, and `run` against it with the
 * settings an Epic or Cerner connection takes.
 */
@ExtendWith(SharedSandbox.class)
class SmartSandboxIT {

  private static final String CLIENT = "llm-rehearsal";

  @TempDir Path dir;

  private SandboxServer server;
  private Path keyFile;

  @BeforeEach
  void seedAndRegister(SandboxServer shared) throws Exception {
    server = shared;
    SandboxData.resetAndSeed(server, SandboxData.FIXTURES.resolve("small"));
    RSAKey key = TestKeys.rsa("smart-sandbox", 2048);
    keyFile = TestKeys.write(dir.resolve("client.pem"), TestKeys.pkcs8Pem(key.toPrivateKey()));
    server.requireSmart(
        SmartAuthorization.forClient(
            CLIENT, jwksOf(keyFile, "jwks.json").toString(), Duration.ofMinutes(5)));
  }

  @AfterEach
  void open() {
    server.requireSmart(null);
  }

  @Test
  void theWalkThroughPullsWithATokenAsFromAnEhr() {
    try (LogCapture logs = LogCapture.start()) {
      CliRun run = run();

      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.out()).contains("Patients pulled: 12, included: ");
      assertThat(logs.lines())
          .anySatisfy(
              line ->
                  assertThat(line)
                      .contains("Discovered the SMART token endpoint " + server.tokenUrl()))
          .anySatisfy(
              line ->
                  assertThat(line)
                      .contains("Fetched a new access token from " + server.tokenUrl()));
    }
  }

  @Test
  void theWalkThroughWorksAsWrittenWithAnEs384KeyToo() throws Exception {
    // The guide's step 1 offers an EC P-384 key; its commands name no algorithm: the key decides.
    java.security.KeyPair ec = TestKeys.bouncyCastleEcP384("smart-sandbox");
    keyFile = TestKeys.write(dir.resolve("ec.pem"), TestKeys.pkcs8Pem(ec.getPrivate()));
    server.requireSmart(
        SmartAuthorization.forClient(
            CLIENT, jwksOf(keyFile, "ec-jwks.json").toString(), Duration.ofMinutes(5)));

    CliRun run = run();

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("Patients pulled: 12, included: ");
    assertThat(Files.readString(dir.resolve("ec-jwks.json"))).contains("\"alg\" : \"ES384\"");
  }

  @Test
  void withoutATokenTheFhirEndpointsAnswer401ButMetadataAndDiscoveryAreOpen() throws Exception {
    HttpClient http = HttpClient.newHttpClient();

    assertThat(get(http, server.baseUrl() + "/Patient?_count=1").statusCode()).isEqualTo(401);
    assertThat(
            get(http, server.baseUrl() + "/Patient?_count=1")
                .headers()
                .firstValue("WWW-Authenticate"))
        .hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
    assertThat(get(http, server.baseUrl() + "/metadata").statusCode()).isEqualTo(200);
    HttpResponse<String> discovery =
        get(http, server.baseUrl() + "/.well-known/smart-configuration");
    assertThat(discovery.statusCode()).isEqualTo(200);
    assertThat(discovery.body())
        .contains("\"token_endpoint\":\"" + server.tokenUrl() + "\"", "private_key_jwt");
  }

  @Test
  void aKeyThatIsNotTheRegisteredOneIsInvalidClientInOneLine() throws Exception {
    RSAKey other = TestKeys.rsa("smart-sandbox-other", 2048);
    keyFile = TestKeys.write(dir.resolve("other.pem"), TestKeys.pkcs8Pem(other.toPrivateKey()));

    CliRun run = run();

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().strip().lines().filter(line -> line.startsWith("error: ")))
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .contains("SMART token request to " + server.tokenUrl())
                    .contains("invalid_client"));
    assertThat(run.err()).doesNotContain("\tat ");
  }

  @Test
  void aTokenWhoseScopesDoNotReachIsRefusedWith403() {
    CliRun run = run("--set", "llm.source.auth.scopes=system/Patient.read");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("HTTP 403").doesNotContain("\tat ");
  }

  private CliRun run(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "--base-url",
                server.baseUrl(),
                "--set",
                "llm.pipeline.routes=../routes",
                "--set",
                "llm.publish.enabled=false",
                "--set",
                "llm.source.retry.initial-wait-ms=20",
                "--set",
                "llm.source.retry.max-attempts=2",
                "--set",
                "llm.source.auth.mode=smart-backend",
                "--set",
                "llm.source.auth.client-id=" + CLIENT,
                "--set",
                "llm.source.auth.private-key-file=" + keyFile));
    args.addAll(List.of(more));
    return CliRun.of(args.toArray(String[]::new));
  }

  /** The JWK Set to register, as the guide makes it: {@code jwks --private-key-file}. */
  private Path jwksOf(Path privateKey, String name) throws Exception {
    CliRun jwks = CliRun.of("jwks", "--private-key-file", privateKey.toString());
    assertThat(jwks.exitCode()).as(jwks.err()).isZero();
    return Files.writeString(dir.resolve(name), jwks.out());
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
