/**
 * Survival statistics: Kaplan-Meier, log-rank and Cox proportional hazards, matching R's {@code survival}
 * package. Plain numbers in, plain numbers out: nothing here knows FHIR or Camel.
 */
package org.llmfhiradapter.survival;
