/**
 * What a usable resource looks like: vendor codings normalized to canonical code systems, each
 * resource's role in the cohort found by ValueSet membership, and (later) validation against that
 * role's profile.
 */
package org.llmfhiradapter.conformance;
