/**
 * From one patient's FHIR resources to one case record of the LLM cohort, or to an exclusion with a
 * reason a person can act on. Dates are whole days; months appear only when results are shown.
 */
package org.llmfhiradapter.cohort;
