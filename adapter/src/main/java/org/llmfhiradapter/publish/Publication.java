package org.llmfhiradapter.publish;

import org.hl7.fhir.r4.model.MeasureReport;

/**
 * A MeasureReport as it now stands on the server.
 *
 * @param reportUrl the report's URL on the server, with its version ({@code
 *     .../MeasureReport/12/_history/2})
 * @param created true when the write created the report, false when it replaced an earlier one
 * @param readBack the report as read back from the server after the write
 */
public record Publication(String reportUrl, boolean created, MeasureReport readBack) {}
