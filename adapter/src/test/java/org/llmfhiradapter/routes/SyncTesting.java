package org.llmfhiradapter.routes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.llmfhiradapter.sandbox.SandboxData;
import org.llmfhiradapter.sandbox.SandboxServer;
import org.llmfhiradapter.sandbox.SharedRegistry.Registry;

/** What the sync tests share: the EHR and registry they start from, and a sync's command line. */
final class SyncTesting {

  static final String CUTOFF = "2024-12-31";

  /** The search for the report of the cohort at {@link #CUTOFF}. */
  static final String REPORT =
      "identifier=http://llm-fhir-adapter.org/fhir/identifier/survival-report|llm-resected-"
          + CUTOFF;

  private SyncTesting() {}

  /**
   * The EHR holds the small fixture cohort (12 patients, 10 of them included); the registry is
   * empty.
   */
  static void seed(SandboxServer ehr, Registry registry) {
    SandboxData.resetAndSeed(ehr, SandboxData.FIXTURES.resolve("small"));
    SandboxData.reset(registry.server());
  }

  /** An H2 store in {@code dir}. */
  static String storeUrl(Path dir, String name) {
    return "jdbc:h2:file:" + dir.resolve(name).toAbsolutePath() + ";AUTO_SERVER=TRUE";
  }

  /**
   * {@code sync} from {@code source} to {@code registry} with the given store, fast retries, and
   * more options.
   */
  static String[] syncArgs(String source, String registry, String storeUrl, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "sync",
                "--base-url",
                source,
                "--publish-url",
                registry,
                "--set",
                "llm.store.url=" + storeUrl,
                "--set",
                "llm.pipeline.routes=../routes",
                "--set",
                "llm.pipeline.data-cutoff=" + CUTOFF,
                "--set",
                "llm.source.retry.initial-wait-ms=50",
                "--set",
                "llm.source.retry.max-wait-seconds=1"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }
}
