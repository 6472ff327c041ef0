package dev.steno.engine.diarization;

import java.util.Arrays;

/**
 * Optimal one-to-one assignment (the Hungarian method, Kuhn-Munkres with potentials, O(n²·m)): used to match
 * reference and system speakers when scoring and local to global speakers when clustering. Hand-written because it
 * is forty lines and no library we ship has it.
 */
public final class Assignment {
    private Assignment() {
    }

    /**
     * Rows matched to columns so that the summed cost is least; every row gets a column when rows ≤ columns, else
     * every column gets a row.
     *
     * @param cost {@code cost[row][column]}, finite, all rows the same length
     * @return for each row its column, or -1 when it got none
     */
    public static int[] minimumCost(double[][] cost) {
        int rows = cost.length;
        if (rows == 0) {
            return new int[0];
        }
        int cols = cost[0].length;
        for (double[] r : cost) {
            if (r.length != cols) {
                throw new IllegalArgumentException("rows of different lengths: " + cols + " and " + r.length);
            }
            for (double v : r) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("costs must be finite, got " + v);
                }
            }
        }
        boolean transposed = rows > cols;
        int n = transposed ? cols : rows;
        int m = transposed ? rows : cols;
        // 1-based arrays as in the textbook formulation: u, v potentials; p[j] the row matched to column j
        double[] u = new double[n + 1];
        double[] v = new double[m + 1];
        int[] p = new int[m + 1];
        int[] way = new int[m + 1];
        double[] minv = new double[m + 1];
        boolean[] used = new boolean[m + 1];
        for (int i = 1; i <= n; i++) {
            p[0] = i;
            int j0 = 0;
            Arrays.fill(minv, Double.POSITIVE_INFINITY);
            Arrays.fill(used, false);
            do {
                used[j0] = true;
                int i0 = p[j0];
                int j1 = 0;
                double delta = Double.POSITIVE_INFINITY;
                for (int j = 1; j <= m; j++) {
                    if (!used[j]) {
                        double c = (transposed ? cost[j - 1][i0 - 1] : cost[i0 - 1][j - 1]) - u[i0] - v[j];
                        if (c < minv[j]) {
                            minv[j] = c;
                            way[j] = j0;
                        }
                        if (minv[j] < delta) {
                            delta = minv[j];
                            j1 = j;
                        }
                    }
                }
                for (int j = 0; j <= m; j++) {
                    if (used[j]) {
                        u[p[j]] += delta;
                        v[j] -= delta;
                    } else {
                        minv[j] -= delta;
                    }
                }
                j0 = j1;
            } while (p[j0] != 0);
            do {
                int j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        int[] match = new int[rows];
        Arrays.fill(match, -1);
        for (int j = 1; j <= m; j++) {
            if (p[j] != 0) {
                if (transposed) {
                    match[j - 1] = p[j] - 1;
                } else {
                    match[p[j] - 1] = j - 1;
                }
            }
        }
        return match;
    }

    /** As {@link #minimumCost}, maximising the summed weight instead. */
    public static int[] maximumWeight(double[][] weight) {
        double[][] cost = new double[weight.length][];
        for (int r = 0; r < weight.length; r++) {
            cost[r] = new double[weight[r].length];
            for (int c = 0; c < weight[r].length; c++) {
                cost[r][c] = -weight[r][c];
            }
        }
        return minimumCost(cost);
    }
}
