package ai.marft.pretrain;

import ai.marft.pretrain.Transcript;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class TokenBatchTest {
    private static Transcript.Tokenized row(int length, int prompt) {
        return new Transcript.Tokenized(new int[length], prompt);
    }

    @Test
    void cutsLengthSortedRowsIntoBatchesWithinTheTokenBudget() {
        // sorted 2, 3, 4, 5, 10 with budget 12: {2, 3, 4} (3 x 4 = 12), {5} (2 x 5 = 10, but 2 x 10 = 20 > 12), {10}
        List<Transcript.Tokenized> rows = List.of(row(3, 1), row(5, 2), row(4, 1), row(10, 4), row(2, 1));
        List<TokenBatch> batches = TokenBatch.byLength(rows, 12, new Random(1));
        List<List<Integer>> lengths = new ArrayList<>();
        for (TokenBatch b : batches) lengths.add(b.rows().stream().map(r -> r.ids().length).toList());
        assertThat(lengths).containsExactlyInAnyOrder(List.of(2, 3, 4), List.of(5), List.of(10));
        TokenBatch first = batches.stream().filter(b -> b.rows().size() == 3).findFirst().orElseThrow();
        assertThat(first.length()).isEqualTo(4);
        assertThat(first.targets()).isEqualTo((2 - 1) + (3 - 1) + (4 - 1));
    }

    @Test
    void aRowLongerThanTheBudgetStillGetsABatch() {
        List<TokenBatch> batches = TokenBatch.byLength(List.of(row(30, 10), row(2, 1)), 8, new Random(1));
        assertThat(batches).extracting(b -> b.rows().size()).containsExactlyInAnyOrder(1, 1);
    }
}
