/**
 * {@code bench}: the benchmarks, each a command that measures a baseline in the same run and
 * reports ratios to it (the pull by search and by bulk export, the sync, the start, the validator,
 * the analysis's fits).
 */
package org.llmfhiradapter.bench;
