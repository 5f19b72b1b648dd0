package org.llmfhiradapter.analysis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.llmfhiradapter.survival.ProportionalHazardsTest;

/**
 * The survival engine's values as JSON values, one way for every JSON the adapter writes (results.json and
 * {@code analyze --json}): R's spellings for what is not a finite number, and the cox.zph table.
 */
public final class SurvivalJson {

  private SurvivalJson() {}

  /** A number, or R's {@code "NA"}, {@code "Inf"}, {@code "-Inf"}: JSON has no NaN or infinity. */
  public static Object number(double value) {
    if (Double.isNaN(value)) {
      return "NA";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "Inf" : "-Inf";
    }
    return value;
  }

  /** cox.zph's table: a row per term, then GLOBAL. */
  public static List<Map<String, Object>> proportionalHazards(ProportionalHazardsTest.Result zph) {
    List<Map<String, Object>> table = new ArrayList<>();
    for (ProportionalHazardsTest.Row row : zph.rows()) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("term", row.term());
      r.put("chisq", number(row.chisq()));
      r.put("df", row.df());
      r.put("p", number(row.p()));
      r.put("fails", row.fails());
      table.add(r);
    }
    return table;
  }
}
