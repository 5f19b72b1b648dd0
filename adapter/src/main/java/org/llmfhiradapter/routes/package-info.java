/**
 * Camel: loads the YAML routes ({@code routes/*.camel.yaml}), binds the stage beans they call, and
 * runs a job. Nothing here computes; it only wires.
 */
package org.llmfhiradapter.routes;
