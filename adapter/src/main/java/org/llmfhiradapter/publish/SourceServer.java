package org.llmfhiradapter.publish;

/**
 * A FHIR server a cohort was pulled from, as the published results name it.
 *
 * @param name the source's name in the settings ({@code default} for {@code llm.source.*})
 * @param baseUrl its FHIR base URL
 * @param vendor generic, epic or cerner
 */
public record SourceServer(String name, String baseUrl, String vendor) {}
