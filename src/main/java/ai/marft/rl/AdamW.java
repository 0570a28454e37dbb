package ai.marft.rl;

import ai.marft.lm.Owned;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code torch.optim.AdamW} over DJL parameters (e.g. one agent's LoRA matrices, or the value
 * head), updating them in place so every holder of the engine's tensors sees the new values.
 * Per parameter p with gradient g, at its step s:
 * <pre>
 *   p ← p·(1 − lr·wd)                       (decoupled weight decay; wd = 0 gives plain Adam)
 *   m ← β1·m + (1 − β1)·g      v ← β2·v + (1 − β2)·g²
 *   p ← p − lr/(1 − β1^s) · m / (√v / √(1 − β2^s) + eps)
 * </pre>
 * Gradients come from a DJL {@code GradientCollector} and accumulate until {@link #zeroGrad()}
 * (the collector never zeroes them). Like torch, a parameter whose gradient was never computed is
 * skipped and keeps its own step count; unlike torch's {@code zero_grad(set_to_none=True)}, zeroed
 * gradients stay defined (zero), so a parameter missing from a later backward pass still takes a
 * momentum-only step. State (moments and step counts) saves to and loads from a safetensors file.
 * Needs the PyTorch engine. Close it to free the moments.
 */
public final class AdamW implements AutoCloseable {
    private final List<NDArray> params;
    private final NDManager stateManager;
    private final NDArray[] expAvg;
    private final NDArray[] expAvgSq;
    private final long[] steps;
    private final double beta1, beta2, eps, weightDecay;
    private double lr;

    /** An optimizer over {@code params} (each with {@code setRequiresGradient(true)}); hyper-parameters as in torch. */
    public AdamW(List<NDArray> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        if (params.isEmpty()) throw new IllegalArgumentException("AdamW needs at least one parameter");
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && eps >= 0 && weightDecay >= 0 && lr >= 0)) {
            throw new IllegalArgumentException("invalid AdamW settings: lr=" + lr + " betas=(" + beta1 + ", " + beta2
                    + ") eps=" + eps + " weight_decay=" + weightDecay);
        }
        for (int j = 0; j < params.size(); j++) {
            if (!(params.get(j) instanceof PtNDArray) || !params.get(j).hasGradient()) {
                throw new IllegalArgumentException("parameter " + j + " must be a PyTorch NDArray with requiresGradient");
            }
        }
        this.params = List.copyOf(params);
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.stateManager = params.get(0).getManager().newSubManager();
        this.expAvg = new NDArray[params.size()];
        this.expAvgSq = new NDArray[params.size()];
        this.steps = new long[params.size()];
        for (int j = 0; j < params.size(); j++) {
            NDArray p = params.get(j);
            expAvg[j] = zerosLike(p);
            expAvgSq[j] = zerosLike(p);
        }
    }

    public double learningRate() { return lr; }

    /** Sets the learning rate for the next steps (e.g. from a {@link LinearSchedule}). */
    public void setLearningRate(double lr) {
        if (!(lr >= 0)) throw new IllegalArgumentException("learning rate must be >= 0, got " + lr);
        this.lr = lr;
    }

    /** The step count of parameter j (how many updates it has taken). */
    public long stepCount(int j) { return steps[j]; }

    public List<NDArray> parameters() { return params; }

    /** One AdamW update of every parameter that has a gradient, in place (never recorded by autograd). */
    public void step() {
        boolean gradMode = JniUtils.isGradMode(); // on inside a GradientCollector, where in-place updates of leaves fail
        JniUtils.setGradMode(false);
        try {
            update();
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    private void update() {
        for (int j = 0; j < params.size(); j++) {
            NDArray p = params.get(j);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray g = JniUtils.getGradient((PtNDArray) p);
                if (g == null) continue; // never part of a backward pass: torch skips it too
                long s = ++steps[j];
                double bias1 = 1 - Math.pow(beta1, s), bias2Sqrt = Math.sqrt(1 - Math.pow(beta2, s));
                if (weightDecay != 0) p.muli(1 - lr * weightDecay);
                expAvg[j].muli(beta1).addi(g.mul(1 - beta1));
                expAvgSq[j].muli(beta2).addi(g.square().mul(1 - beta2));
                NDArray denom = expAvgSq[j].sqrt().div(bias2Sqrt).add(eps);
                p.subi(expAvg[j].div(denom).mul(lr / bias1));
            }
        }
    }

    /** Sets every computed gradient to zero (gradients accumulate across backward passes otherwise). */
    public void zeroGrad() {
        for (NDArray p : params) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                if (JniUtils.getGradient((PtNDArray) p) != null) JniUtils.zeroGrad((PtNDArray) p);
            }
        }
    }

    /**
     * {@code torch.nn.utils.clip_grad_norm_}: the total L2 norm of all gradients; when it exceeds
     * {@code maxNorm} every gradient is scaled in place by maxNorm / (norm + 1e-6).
     *
     * @return the norm before clipping (NaN or infinite gradients give a NaN/infinite norm, as in torch)
     */
    public double clipGradNorm(double maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("max grad norm must be > 0, got " + maxNorm);
        double squares = 0;
        for (NDArray p : params) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray g = JniUtils.getGradient((PtNDArray) p);
                if (g != null) squares += g.square().sum().toType(DataType.FLOAT64, false).getDouble();
            }
        }
        double norm = Math.sqrt(squares);
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1) {
            for (NDArray p : params) {
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray g = JniUtils.getGradient((PtNDArray) p);
                    if (g != null) g.muli(coef);
                }
            }
        }
        return norm;
    }

    /** Writes the moments and step counts to {@code file} (safetensors; written atomically). */
    public void save(Path file) {
        OptimizerStateFile.write(file, expAvg, expAvgSq, steps);
    }

    /** Restores moments and step counts saved by {@link #save} for the same parameter shapes. */
    public void load(Path file) {
        OptimizerStateFile.State state = OptimizerStateFile.read(file, params);
        for (int j = 0; j < params.size(); j++) {
            expAvg[j] = replace(expAvg[j], state.expAvg()[j]);
            expAvgSq[j] = replace(expAvgSq[j], state.expAvgSq()[j]);
            steps[j] = state.steps()[j];
        }
    }

    private NDArray replace(NDArray old, float[] values) {
        NDArray loaded;
        try (NDManager tmp = stateManager.newSubManager()) {
            // create() wraps a direct buffer that only its own wrapper keeps alive, and toType(same type) may alias
            // it: duplicate() gives the moments memory of their own, or a GC after tmp closes frees them under us
            loaded = Owned.of(tmp.create(values, old.getShape())).toDevice(old.getDevice(), false).toType(old.getDataType(), false);
            loaded.attach(stateManager);
        }
        NDScope.unregister(loaded);
        old.close();
        return loaded;
    }

    /** Zeros shaped, typed and placed like p, owned by this optimizer and by no caller's scope. */
    private NDArray zerosLike(NDArray p) {
        NDArray z = p.zerosLike();
        z.attach(stateManager);
        NDScope.unregister(z);
        return z;
    }

    @Override
    public void close() {
        stateManager.close();
    }
}
