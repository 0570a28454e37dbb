package ai.marft.pretrain;

import ai.marft.lm.Owned;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.marft.pretrain.Transcript;
import ai.marft.lm.CausalLm;
import ai.marft.lm.LoraDelta;

/**
 * Mean cross-entropy of a batch's trained tokens under the model: one causal forward over the
 * right-padded rows (padding sits after every real token, so a shared causal mask hides it), logits
 * only at the positions that predict a trained token.
 */
final class NextTokenLoss {
    private NextTokenLoss() {}

    /** The loss as a scalar NDArray in {@code m} (differentiable when the model is trainable and a collector is active). */
    static NDArray of(CausalLm model, NDManager m, TokenBatch batch) {
        int rows = batch.rows().size(), len = batch.length(), n = batch.targets();
        int[] ids = new int[rows * len];           // padding id 0 (never attended by a real token)
        float[] positions = new float[rows * len];
        int[] predicting = new int[n], targets = new int[n];
        int k = 0;
        for (int b = 0; b < rows; b++) {
            Transcript.Tokenized t = batch.rows().get(b);
            int[] s = t.ids();
            for (int j = 0; j < len; j++) positions[b * len + j] = j;
            System.arraycopy(s, 0, ids, b * len, s.length);
            for (int j = t.promptTokens(); j < s.length; j++) { // token j is predicted by slot j - 1
                predicting[k] = b * len + j - 1;
                targets[k++] = s[j];
            }
        }
        float[] mask = new float[len * len];
        for (int i = 0; i < len; i++) for (int j = i + 1; j < len; j++) mask[i * len + j] = -1e9f;
        NDArray hidden = model.forward(Owned.of(m.create(ids, new Shape(rows, len))), Owned.of(m.create(positions, new Shape(rows, len))),
                Owned.of(m.create(mask, new Shape(1, 1, len, len))), null, 0, LoraDelta.NONE);
        NDArray picked = hidden.reshape((long) rows * len, model.config().hidden()).get(Owned.of(m.create(predicting)));
        NDArray logp = model.logits(picked).logSoftmax(1);
        return logp.gather(Owned.of(m.create(targets, new Shape(n, 1))), 1).mean().neg();
    }
}
