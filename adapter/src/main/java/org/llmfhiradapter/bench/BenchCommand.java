package org.llmfhiradapter.bench;

import picocli.CommandLine.Command;

/**
 * {@code bench}: benchmarks to rerun on your own machine; each reports ratios against a baseline
 * measured in the same run.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmarks. Each measures a baseline in the same run and reports the ratio to it, so numbers compare"
          + " across machines."
    },
    subcommands = {ValidateBench.class, PullBench.class, SyncBench.class, StartBench.class})
public final class BenchCommand {}
