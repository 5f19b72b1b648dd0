/**
 * Kaplan-Meier curves drawn as SVG: a picture of what the survival tables say, for researchers and
 * for the people they show it to. Free of FHIR and Camel; it draws {@link
 * org.llmfhiradapter.survival.KmStep} tables.
 */
package org.llmfhiradapter.plot;
