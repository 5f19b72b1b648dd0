/**
 * Tabular input (CSV with a header), shared by the case tables behind the fixtures and {@code
 * analyze}.
 */
package org.llmfhiradapter.table;
