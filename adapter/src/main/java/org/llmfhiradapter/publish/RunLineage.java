package org.llmfhiradapter.publish;

import java.util.List;

/**
 * Where a run's results come from: the adapter that made them and the servers it pulled from.
 * Published as the Provenance of the report and in results.json; holds no patient data.
 *
 * @param adapterVersion the adapter's version ({@link AdapterVersion#current()})
 * @param sources the servers pulled from, in configuration order
 */
public record RunLineage(String adapterVersion, List<SourceServer> sources) {

  public RunLineage {
    sources = List.copyOf(sources);
  }

  /** A run of this adapter build over the given sources. */
  public static RunLineage of(List<SourceServer> sources) {
    return new RunLineage(AdapterVersion.current(), sources);
  }
}
