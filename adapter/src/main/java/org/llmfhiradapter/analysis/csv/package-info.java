/**
 * {@code analyze --csv}: Kaplan-Meier, log-rank and Cox on any CSV file, read into the survival
 * engine's data, and the results as R prints them or as JSON. No FHIR: the cohort.csv a run writes
 * is one such file.
 */
package org.llmfhiradapter.analysis.csv;
