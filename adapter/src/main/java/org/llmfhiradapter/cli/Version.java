package org.llmfhiradapter.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest (the Maven project version). */
final class Version implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Main.class.getPackage().getImplementationVersion();
    return new String[] {"llm-fhir-adapter " + (version == null ? "(development build)" : version)};
  }
}
