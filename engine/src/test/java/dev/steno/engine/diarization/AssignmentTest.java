package dev.steno.engine.diarization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AssignmentTest {
    @Test
    void picksTheCheapestPermutationNotTheGreedyOne() {
        // greedy takes (0,0)=1 then must take (1,1)=10: 11; the optimum is 2 + 3 = 5
        double[][] cost = {{1, 2}, {3, 10}};
        assertArrayEquals(new int[]{1, 0}, Assignment.minimumCost(cost));
    }

    @Test
    void agreesWithBruteForceOnRandomRectangularMatrices() {
        Random random = new Random(7);
        for (int trial = 0; trial < 300; trial++) {
            int rows = 1 + random.nextInt(5);
            int cols = 1 + random.nextInt(5);
            double[][] cost = new double[rows][cols];
            for (double[] r : cost) {
                for (int c = 0; c < cols; c++) {
                    r[c] = random.nextInt(20) - 5;
                }
            }
            int[] match = Assignment.minimumCost(cost);
            assertEquals(rows, match.length);
            Set<Integer> usedColumns = new HashSet<>();
            double total = 0;
            int matched = 0;
            for (int r = 0; r < rows; r++) {
                if (match[r] >= 0) {
                    assertEquals(true, usedColumns.add(match[r]), "a column matched twice");
                    total += cost[r][match[r]];
                    matched++;
                }
            }
            assertEquals(Math.min(rows, cols), matched);
            assertEquals(bruteForce(cost, 0, new boolean[cols]), total, 1e-9, "trial " + trial);
        }
    }

    @Test
    void maximumWeightMatchesTheHeaviestPairs() {
        double[][] weight = {{0.1, 0.9, 0.0}, {0.8, 0.7, 0.0}};
        assertArrayEquals(new int[]{1, 0}, Assignment.maximumWeight(weight));
    }

    @Test
    void rejectsRaggedOrInfiniteCosts() {
        assertThrows(IllegalArgumentException.class, () -> Assignment.minimumCost(new double[][]{{1, 2}, {3}}));
        assertThrows(IllegalArgumentException.class,
                () -> Assignment.minimumCost(new double[][]{{Double.POSITIVE_INFINITY}}));
        assertEquals(0, Assignment.minimumCost(new double[0][]).length);
    }

    /** Least cost of matching rows from {@code row} on, each to an unused column, min(rows, cols) pairs in all. */
    private static double bruteForce(double[][] cost, int row, boolean[] used) {
        int rows = cost.length;
        int cols = used.length;
        if (row == rows) {
            return 0;
        }
        double best = Double.POSITIVE_INFINITY;
        int freeColumns = 0;
        for (boolean u : used) {
            freeColumns += u ? 0 : 1;
        }
        // a row may stay unmatched only when there are more rows left than free columns
        if (rows - row > freeColumns) {
            best = bruteForce(cost, row + 1, used);
        }
        for (int c = 0; c < cols; c++) {
            if (!used[c]) {
                used[c] = true;
                best = Math.min(best, cost[row][c] + bruteForce(cost, row + 1, used));
                used[c] = false;
            }
        }
        return best;
    }
}
