package org.llmfhiradapter.survival;

/**
 * LDLᵀ decomposition of a symmetric positive semi-definite matrix that tolerates singularity the
 * way R's {@code survival} does ({@code cholesky2}): a pivot below {@code toler} × the largest
 * diagonal element is declared zero and its variable is left out, so solves and inverses are those
 * of the remaining variables (a generalized inverse with zero rows and columns for the aliased
 * ones). Commons Math's Cholesky refuses such matrices, and Cox information matrices become
 * semi-definite with collinear covariates.
 */
final class GeneralizedCholesky {

  private final double[][] factor; // unit lower triangle below the diagonal, D on it (0 = aliased)
  private final int rank;

  private GeneralizedCholesky(double[][] factor, int rank) {
    this.factor = factor;
    this.rank = rank;
  }

  /**
   * Decomposes the symmetric matrix given by its lower triangle ({@code m[i][j]}, j ≤ i); m is not
   * changed.
   */
  static GeneralizedCholesky of(double[][] m, double toler) {
    int n = m.length;
    double[][] a = new double[n][n];
    double largest = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        a[i][j] = m[i][j];
      }
      if (m[i][i] > largest) {
        largest = m[i][i];
      }
    }
    double eps = largest == 0 ? toler : largest * toler;
    int rank = 0;
    for (int i = 0; i < n; i++) {
      double pivot = a[i][i];
      if (!Double.isFinite(pivot) || pivot < eps) {
        a[i][i] = 0;
        for (int j = i + 1; j < n; j++) {
          a[j][i] = 0; // the aliased variable takes no part in what follows
        }
        continue;
      }
      rank++;
      for (int j = i + 1; j < n; j++) {
        double t = a[j][i] / pivot;
        a[j][i] = t;
        a[j][j] -= t * t * pivot;
        for (int k = j + 1; k < n; k++) {
          a[k][j] -= t * a[k][i];
        }
      }
    }
    return new GeneralizedCholesky(a, rank);
  }

  int rank() {
    return rank;
  }

  /** Whether variable i was declared aliased (its pivot zero). */
  boolean aliased(int i) {
    return factor[i][i] == 0;
  }

  /** Solves M x = b for the non-aliased variables; aliased components of x are 0. */
  double[] solve(double[] b) {
    int n = factor.length;
    double[] y = b.clone();
    for (int i = 0; i < n; i++) {
      double t = y[i];
      for (int j = 0; j < i; j++) {
        t -= y[j] * factor[i][j];
      }
      y[i] = t;
    }
    for (int i = n - 1; i >= 0; i--) {
      if (factor[i][i] == 0) {
        y[i] = 0;
        continue;
      }
      double t = y[i] / factor[i][i];
      for (int j = i + 1; j < n; j++) {
        t -= y[j] * factor[j][i];
      }
      y[i] = t;
    }
    return y;
  }

  /** The (generalized) inverse, full and symmetric; rows and columns of aliased variables are 0. */
  double[][] inverse() {
    int n = factor.length;
    double[][] inv = new double[n][n];
    for (int c = 0; c < n; c++) {
      double[] e = new double[n];
      e[c] = 1;
      double[] col = solve(e);
      for (int r = 0; r < n; r++) {
        inv[r][c] = col[r];
      }
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        double mean = (inv[i][j] + inv[j][i]) / 2; // symmetric to the last bit
        inv[i][j] = mean;
        inv[j][i] = mean;
      }
    }
    return inv;
  }
}
