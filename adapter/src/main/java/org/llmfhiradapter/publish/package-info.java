/**
 * The publish stage: the study's results written back to the FHIR server as a MeasureReport
 * (conditional update by a stable identifier, so reruns replace), and rendered for people (summary)
 * and programs (results.json).
 */
package org.llmfhiradapter.publish;
