package org.llmfhiradapter.analysis;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.llmfhiradapter.survival.ProportionalHazardsTest;

/**
 * The one JSON writer of the adapter's documents (results.json and {@code analyze --format json}):
 * records written by Jackson, their components' names in snake_case ({@code hrLower} is {@code
 * hr_lower}), indented, and numbers that are not finite in R's spellings ({@code "NA"}, {@code
 * "Inf"}, {@code "-Inf"}), since JSON has no NaN or infinity. Components that a document leaves out
 * when absent say so with {@code @JsonInclude(NON_NULL)}.
 */
public final class SurvivalJson {

  private SurvivalJson() {}

  /** Doubles as JSON numbers, and NaN and infinities as R prints them. */
  private static final class RNumber extends StdSerializer<Double> {
    RNumber() {
      super(Double.class);
    }

    @Override
    public void serialize(Double value, JsonGenerator out, SerializerProvider provider)
        throws IOException {
      if (value.isNaN()) {
        out.writeString("NA");
      } else if (value.isInfinite()) {
        out.writeString(value > 0 ? "Inf" : "-Inf");
      } else {
        out.writeNumber(value);
      }
    }
  }

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .addModule(
              new SimpleModule("r-numbers")
                  .addSerializer(Double.class, new RNumber())
                  .addSerializer(double.class, new RNumber()))
          .build();

  /** {@code document} (a record, usually) as indented JSON. */
  public static String write(Object document) {
    try {
      return MAPPER.writeValueAsString(document);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * One row of cox.zph's table; {@code fails} when p is below {@link
   * ProportionalHazardsTest#ALPHA}.
   */
  public record ZphRow(String term, double chisq, int df, double p, boolean fails) {}

  /** cox.zph's table: a row per term, then GLOBAL. */
  public static List<ZphRow> proportionalHazards(ProportionalHazardsTest.Result zph) {
    return zph.rows().stream()
        .map(row -> new ZphRow(row.term(), row.chisq(), row.df(), row.p(), row.fails()))
        .toList();
  }
}
