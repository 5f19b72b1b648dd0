package org.llmfhiradapter.analysis;

import java.util.Map;

/**
 * How one variable of the case record is distributed over the included patients.
 *
 * @param known patients for whom it is known (the denominator of its percentages)
 * @param missing patients for whom it is not
 * @param yes for yes/no variables, how many are yes; else null
 * @param median for numeric variables, the median of the known values; else null
 * @param q1 for numeric variables, the first quartile (R's quantile, type 7); else null
 * @param q3 for numeric variables, the third quartile; else null
 * @param levels for categorical variables, the count per level; else null
 */
public record VariableSummary(
    String name,
    int known,
    int missing,
    Integer yes,
    Double median,
    Double q1,
    Double q3,
    Map<String, Integer> levels) {}
