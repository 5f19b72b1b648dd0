package org.llmfhiradapter.survival;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimeTiesTest {

  @Test
  void gapsWithinSqrtEpsAbsoluteOrRelativeToTheMeanTimeCollapseOntoTheFirstOfTheRun() {
    // mean |distinct| ≈ 5: a gap of 3e-8 is within 1.49e-8 relative; 1e-6 is not.
    double[] time = {5.00000003, 5, 7.000000001, 5.000001, 5.0000000001, 7, 2};

    assertThat(TimeTies.merge(time)).containsExactly(5, 5, 7, 5.000001, 5, 7, 2);
  }

  @Test
  void distinctTimesComeBackAsTheSameArray() {
    double[] time = {3, 1, 2};

    assertThat(TimeTies.merge(time)).isSameAs(time);
  }

  @Test
  void theSortOrderIsStableAndNumericAcrossSignsAndZeros() {
    Random random = new Random(3);
    double[] x = new double[5000];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextInt(50) - 25 + (random.nextBoolean() ? 0.5 : 0);
    }
    x[10] = -0.0;
    x[11] = 0.0;

    int[] order = SortOrder.ascending(x);

    Integer[] expected = new Integer[x.length];
    Arrays.setAll(expected, i -> i);
    Arrays.sort(
        expected, (a, b) -> x[a] == x[b] ? Integer.compare(a, b) : Double.compare(x[a], x[b]));
    assertThat(order)
        .containsExactly(Arrays.stream(expected).mapToInt(Integer::intValue).toArray());
  }
}
