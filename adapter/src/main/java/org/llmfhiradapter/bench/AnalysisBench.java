package org.llmfhiradapter.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.llmfhiradapter.analysis.csv.AnalysisSpec;
import org.llmfhiradapter.survival.ConfType;
import org.llmfhiradapter.survival.CoxModel;
import org.llmfhiradapter.survival.KaplanMeier;
import org.llmfhiradapter.survival.LogRankTest;
import org.llmfhiradapter.survival.SurvivalData;

/**
 * {@code analyze --bench}: times the fits alone (data already in memory, nothing printed in
 * between), the first run in a fresh JVM (JIT compilation included) and then {@code runs} more, and
 * reports the bytes each fit allocates per row, so runs at two sizes show whether time and memory
 * grow linearly. The km+logrank row's first run is the sum of the two cold first runs.
 * bench/survival/ holds the R script that times R's survfit, survdiff and coxph on the same CSV.
 */
public final class AnalysisBench {

  private AnalysisBench() {}

  /** One fit's timings in seconds and its allocation. */
  public record Timing(String fit, double first, double median, double min, double bytesPerRow) {}

  public static List<Timing> run(SurvivalData data, AnalysisSpec spec, int runs) {
    // Start from a heap holding only the data, not the garbage of reading the file.
    System.gc();
    List<Timing> timings = new ArrayList<>();
    ConfType confType = spec.confType();
    double level = spec.confLevel();
    timings.add(time("km", data.n(), runs, () -> KaplanMeier.byGroup(data, confType, level)));
    if (data.hasGroup()) {
      timings.add(time("logrank", data.n(), runs, () -> LogRankTest.test(data, spec.rho())));
      Timing both =
          time(
              "km+logrank",
              data.n(),
              runs,
              () -> {
                KaplanMeier.byGroup(data, confType, level);
                return LogRankTest.test(data, spec.rho());
              });
      // Its own first run comes after the two above have warmed up; what a one-off command pays for
      // both is their two first runs.
      double cold = timings.get(0).first() + timings.get(1).first();
      timings.add(new Timing(both.fit(), cold, both.median(), both.min(), both.bytesPerRow()));
    }
    if (!spec.covariates().isEmpty()) {
      timings.add(time("cox", data.n(), runs, () -> CoxModel.fit(data, spec.coxOptions())));
    }
    return timings;
  }

  private static Timing time(String name, int n, int runs, Supplier<Object> fit) {
    double[] seconds = new double[runs + 1];
    long allocated = 0;
    Object sink = null;
    for (int r = 0; r <= runs; r++) {
      long bytes = allocatedBytes();
      long start = System.nanoTime();
      sink = fit.get();
      seconds[r] = (System.nanoTime() - start) / 1e9;
      allocated = allocatedBytes() - bytes;
    }
    if (sink == null) {
      throw new IllegalStateException(name + " returned nothing");
    }
    double[] warm = Arrays.copyOfRange(seconds, 1, seconds.length);
    Arrays.sort(warm);
    double median = warm.length == 0 ? Double.NaN : warm[warm.length / 2];
    double min = warm.length == 0 ? Double.NaN : warm[0];
    return new Timing(
        name, seconds[0], median, min, allocated < 0 ? Double.NaN : (double) allocated / n);
  }

  /** Bytes allocated by this thread so far (HotSpot); -1 where the JVM does not tell. */
  private static long allocatedBytes() {
    if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean) {
      return bean.getCurrentThreadAllocatedBytes();
    }
    return -1;
  }

  public static String text(
      String source, SurvivalData data, AnalysisSpec spec, int runs, List<Timing> timings) {
    StringBuilder out = new StringBuilder();
    out.append(header(source, data, spec)).append('\n');
    out.append(
        String.format(
            Locale.ROOT,
            "%-12s %10s %14s %10s %14s%n",
            "fit",
            "first (s)",
            "median of " + runs,
            "min (s)",
            "alloc B/row"));
    for (Timing t : timings) {
      out.append(
          String.format(
              Locale.ROOT,
              "%-12s %10.3f %14.3f %10.3f %14.0f%n",
              t.fit(),
              t.first(),
              t.median(),
              t.min(),
              t.bytesPerRow()));
    }
    return out.toString();
  }

  public static Map<String, Object> json(
      String source, SurvivalData data, AnalysisSpec spec, int runs, List<Timing> timings) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("csv", source);
    root.put("n", data.n());
    root.put("events", data.events());
    root.put("covariates", spec.covariates().size());
    root.put("group_levels", data.groupLevels().size());
    root.put("runs", runs);
    root.put("java", Runtime.version().toString());
    root.put("processors", Runtime.getRuntime().availableProcessors());
    Map<String, Object> fits = new LinkedHashMap<>();
    for (Timing t : timings) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("first_s", t.first());
      m.put("median_s", t.median());
      m.put("min_s", t.min());
      m.put("alloc_bytes_per_row", t.bytesPerRow());
      fits.put(t.fit(), m);
    }
    root.put("fits", fits);
    return Map.of("bench", root);
  }

  private static String header(String source, SurvivalData data, AnalysisSpec spec) {
    return String.format(
        Locale.ROOT,
        "Benchmark of the fits alone: %s, n = %d, events = %d, %d group levels, %d covariates (ties %s);"
            + " Java %s, %d processors, max heap %d MB",
        source,
        data.n(),
        data.events(),
        data.groupLevels().size(),
        spec.covariates().size(),
        spec.ties().rName(),
        Runtime.version(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
  }
}
