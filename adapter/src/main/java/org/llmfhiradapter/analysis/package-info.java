/**
 * The analyze stage: runs the survival engine on the cohort's case records and gathers the study's
 * results in one object, from which the summary, results.json and the MeasureReport are all
 * rendered.
 */
package org.llmfhiradapter.analysis;
