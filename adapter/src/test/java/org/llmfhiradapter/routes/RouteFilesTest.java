package org.llmfhiradapter.routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.InputFormat;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every route file in {@code routes/} against the YAML DSL's JSON schema, the one camel-yaml-dsl
 * ships ({@code schema/camelYamlDsl.json}): a misspelt step or option fails the build here, not
 * when a registry's scheduled sync first reaches that route. (What Camel's YAML validator does; its
 * Maven plugin is not on Maven Central for our Camel.)
 */
class RouteFilesTest {

  private static final Path ROUTES = Path.of("..", "routes");
  private static JsonSchema schema;

  @BeforeAll
  static void loadTheSchemaCamelShips() throws IOException {
    try (InputStream in =
        RouteFilesTest.class.getClassLoader().getResourceAsStream("schema/camelYamlDsl.json")) {
      assertThat(in).as("schema/camelYamlDsl.json in camel-yaml-dsl").isNotNull();
      schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
    }
  }

  static List<Path> routeFiles() throws IOException {
    try (Stream<Path> files = Files.list(ROUTES)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  @Test
  void theRoutesFolderHoldsTheThreeRouteFiles() throws IOException {
    assertThat(routeFiles())
        .extracting(f -> f.getFileName().toString())
        .containsExactly("cohort-job.camel.yaml", "serve.camel.yaml", "sync-job.camel.yaml");
  }

  @ParameterizedTest
  @MethodSource("routeFiles")
  void aRouteFileFollowsTheYamlDslSchema(Path file) throws IOException {
    Set<ValidationMessage> problems =
        schema.validate(Files.readString(file, StandardCharsets.UTF_8), InputFormat.YAML);

    assertThat(problems).as(file + ": " + problems).isEmpty();
  }

  @Test
  void aMisspeltOptionIsCaught() {
    String route =
        """
        - route:
            id: r
            from:
              uri: "direct:start"
              steps:
                - bean:
                    ref: stages
                    methd: pull
        """;

    assertThat(schema.validate(route, InputFormat.YAML))
        .extracting(ValidationMessage::getMessage)
        .anySatisfy(m -> assertThat(m).contains("methd"));
  }
}
