package org.llmfhiradapter.cli;

import picocli.CommandLine.IVersionProvider;

/** The adapter's version (the Maven project version). */
final class Version implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"llm-fhir-adapter " + org.llmfhiradapter.publish.AdapterVersion.current()};
  }
}
