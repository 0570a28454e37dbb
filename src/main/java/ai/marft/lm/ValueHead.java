package ai.marft.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * The critic's head over the frozen base's final hidden state: Linear(H→1024) → ReLU →
 * Linear(1024→512) → ReLU → Linear(512→1), no biases (MARFT.md §7). Initialised like PyTorch's
 * nn.Linear (uniform ±1/√in); parameters have gradients attached.
 */
public final class ValueHead implements AutoCloseable {
    static final String[] KEYS = {"value_head.fc1.weight", "value_head.fc2.weight", "value_head.fc3.weight"};
    private final NDManager manager;
    private final NDArray[] w; // [1024, H], [512, 1024], [1, 512]

    private ValueHead(NDManager manager, NDArray[] w) {
        this.manager = manager;
        this.w = w;
        for (NDArray x : w) x.setRequiresGradient(true);
    }

    private static long[][] shapes(int hidden) {
        return new long[][]{{1024, hidden}, {512, 1024}, {1, 512}};
    }

    /** A fresh head for hidden size {@code hidden}, drawn from {@code seed}, in a sub-manager of parent. */
    public static ValueHead create(NDManager parent, int hidden, long seed) {
        NDManager m = parent.newSubManager();
        Random rng = new Random(seed);
        long[][] shapes = shapes(hidden);
        NDArray[] w = new NDArray[3];
        for (int i = 0; i < 3; i++) {
            float[] v = new float[(int) (shapes[i][0] * shapes[i][1])];
            float bound = (float) (1 / Math.sqrt(shapes[i][1]));
            for (int j = 0; j < v.length; j++) v[j] = (rng.nextFloat() * 2 - 1) * bound;
            w[i] = Owned.of(m.create(v, new Shape(shapes[i])));
        }
        return new ValueHead(m, w);
    }

    /** Values [...] of hidden states [..., H] (differentiable in the head's parameters). */
    public NDArray forward(NDArray hidden) {
        try (NDScope scope = new NDScope()) { // the weight views would otherwise pile up in this head's manager
            scope.suppressNotUsedWarning();
            NDArray h = Activation.relu(hidden.matMul(w[0].transpose()));
            h = Activation.relu(h.matMul(w[1].transpose()));
            NDArray v = h.matMul(w[2].transpose()).squeeze(-1);
            NDScope.unregister(v);
            return v;
        }
    }

    /** The three weight matrices, gradients attached. */
    public List<NDArray> parameters() {
        return List.of(w);
    }

    /** Writes the weights to one safetensors file. */
    public void save(Path file) {
        SafeTensorsWriter writer = new SafeTensorsWriter();
        for (int i = 0; i < 3; i++) writer.add(KEYS[i], w[i]);
        writer.write(file, "F32");
    }

    /** Reads a head saved by {@link #save} for hidden size {@code hidden}. */
    public static ValueHead load(NDManager parent, int hidden, Path file) {
        NDManager m = parent.newSubManager();
        try (SafeTensors st = SafeTensors.openFile(file)) {
            long[][] shapes = shapes(hidden);
            NDArray[] w = new NDArray[3];
            for (int i = 0; i < 3; i++) w[i] = st.load(m, KEYS[i], shapes[i]);
            return new ValueHead(m, w);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
