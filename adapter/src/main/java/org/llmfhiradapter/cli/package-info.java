/**
 * The command line: {@code demo}, {@code run}, {@code sandbox}; parses options, prints, sets exit
 * codes.
 */
package org.llmfhiradapter.cli;
