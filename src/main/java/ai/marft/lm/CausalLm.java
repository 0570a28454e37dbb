package ai.marft.lm;

import ai.djl.Device;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.marft.Json;
import ai.marft.lm.decode.DecodeWeights;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Llama / Qwen2 decoder-only LM with Hugging Face semantics (RMSNorm, RoPE in the half-rotation
 * layout, grouped-query attention, SwiGLU). Weights are kept once, transposed and fused (q|k|v and
 * gate|up) so a block costs few large ops; LoRA adapters are applied on top through {@link LoraDelta}.
 * All inputs/outputs of {@link #forward} are scoped by the caller; parameters live in this object's manager.
 */
public final class CausalLm implements AutoCloseable {
    /** One decoder block; matrices are [out, in] like nn.Linear, q|k|v and gate|up fused along out. */
    record Block(NDArray inNorm, NDArray qkv, NDArray qkvBias, NDArray o, NDArray oBias,
                 NDArray postNorm, NDArray gateUp, NDArray down) {
        List<NDArray> arrays() {
            List<NDArray> l = new ArrayList<>(List.of(inNorm, qkv, o, postNorm, gateUp, down));
            if (qkvBias != null) l.add(qkvBias);
            if (oBias != null) l.add(oBias);
            return l;
        }
    }

    /** Additive attention-mask value for hidden keys: finite, so fully hidden rows give no NaN. */
    static final float MASKED = -1e9f;

    private final ModelConfig config;
    private final NDManager params;
    private final NDArray embed;      // [V, H]
    private NDArray lmHeadT;          // [H, V] (a view of embed when tied)
    private NDArray[][] transposed;   // per block: qkvᵀ, oᵀ, gateUpᵀ, downᵀ views (frozen weights only)
    private Gemv[][] gemv;            // per block: qkv, o, gateUp, down single-row products (frozen weights only)
    private Gemv lmHeadGemv;
    private DecodeWeights decodeWeights; // null: the weights are not readable in place (or no Vector API)
    /** Whether the JVM runs with {@code --add-modules jdk.incubator.vector} (else decoding uses the library's product). */
    static final boolean VECTOR_API = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    private boolean trainable;        // then every forward transposes afresh (see setTrainable)
    private final NDArray lmHead;     // [V, H] untied only, else null
    private final NDArray finalNorm;
    private final Block[] blocks;
    private final NDArray invFreq;    // [D/2]
    private final NDArray rotateHalf; // [D, D]: x @ R == cat(-x2, x1)

    private CausalLm(ModelConfig config, NDManager params, NDArray embed, NDArray lmHead, NDArray finalNorm, Block[] blocks) {
        this.config = config;
        this.params = params;
        this.embed = embed;
        this.lmHead = lmHead;
        this.finalNorm = finalNorm;
        this.blocks = blocks;
        makeViews();
        int d = config.headDim();
        float[] inv = new float[d / 2];
        for (int i = 0; i < d / 2; i++) inv[i] = (float) (1.0 / Math.pow(config.ropeTheta(), (2.0 * i) / d));
        this.invFreq = Owned.of(params.create(inv));
        float[] r = new float[d * d];
        for (int i = 0; i < d / 2; i++) {
            r[(i + d / 2) * d + i] = -1f;
            r[i * d + i + d / 2] = 1f;
        }
        this.rotateHalf = Owned.of(params.create(r, new Shape(d, d)));
    }

    /** Loads config.json and the safetensors weights of an HF model folder onto the CPU. */
    public static CausalLm load(Path dir) {
        return load(dir, Device.cpu());
    }

    /** Loads config.json and the safetensors weights of an HF model folder onto {@code device}. */
    public static CausalLm load(Path dir, Device device) {
        ModelConfig c = ModelConfig.load(dir);
        NDManager m = NDManager.newBaseManager(device);
        try (SafeTensors st = SafeTensors.openModel(dir)) {
            long h = c.hidden(), qd = (long) c.heads() * c.headDim(), kd = (long) c.kvHeads() * c.headDim(), in = c.intermediate();
            NDArray embed = st.load(m, "model.embed_tokens.weight", c.vocabSize(), h);
            NDArray lmHead = null;
            if (!c.tieEmbeddings()) lmHead = st.load(m, "lm_head.weight", c.vocabSize(), h);
            NDArray norm = st.load(m, "model.norm.weight", h);
            Block[] blocks = new Block[c.layers()];
            for (int l = 0; l < c.layers(); l++) {
                String p = "model.layers." + l + ".";
                try (NDManager tmp = m.newSubManager()) {
                    NDArray q = st.load(tmp, p + "self_attn.q_proj.weight", qd, h);
                    NDArray k = st.load(tmp, p + "self_attn.k_proj.weight", kd, h);
                    NDArray v = st.load(tmp, p + "self_attn.v_proj.weight", kd, h);
                    NDArray qkv = q.concat(k, 0).concat(v, 0);
                    NDArray qkvBias = null, oBias = null;
                    if (c.qkvBias()) qkvBias = st.load(tmp, p + "self_attn.q_proj.bias", qd)
                            .concat(st.load(tmp, p + "self_attn.k_proj.bias", kd), 0)
                            .concat(st.load(tmp, p + "self_attn.v_proj.bias", kd), 0);
                    if (c.oBias()) oBias = st.load(tmp, p + "self_attn.o_proj.bias", h);
                    NDArray o = st.load(tmp, p + "self_attn.o_proj.weight", h, qd);
                    NDArray gateUp = st.load(tmp, p + "mlp.gate_proj.weight", in, h).concat(st.load(tmp, p + "mlp.up_proj.weight", in, h), 0);
                    NDArray down = st.load(tmp, p + "mlp.down_proj.weight", h, in);
                    Block b = new Block(st.load(tmp, p + "input_layernorm.weight", h), qkv, qkvBias, o, oBias,
                            st.load(tmp, p + "post_attention_layernorm.weight", h), gateUp, down);
                    for (NDArray a : b.arrays()) a.attach(m);
                    blocks[l] = b;
                }
            }
            return new CausalLm(c, m, embed, lmHead, norm, blocks);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /**
     * Transposed views used by forward. They are rebuilt when trainability changes: a view taken
     * before its base required gradients would not pass them on.
     */
    private void makeViews() {
        if (transposed != null) for (NDArray[] vs : transposed) for (NDArray v : vs) v.close();
        if (lmHeadT != null) lmHeadT.close();
        lmHeadT = (lmHead != null ? lmHead : embed).transpose();
        transposed = new NDArray[blocks.length][];
        gemv = new Gemv[blocks.length][];
        for (int l = 0; l < blocks.length; l++) {
            Block b = blocks[l];
            transposed[l] = new NDArray[]{b.qkv.transpose(), b.o.transpose(), b.gateUp.transpose(), b.down.transpose()};
            gemv[l] = VECTOR_API ? new Gemv[]{Gemv.over(b.qkv), Gemv.over(b.o), Gemv.over(b.gateUp), Gemv.over(b.down)} : new Gemv[4];
        }
        lmHeadGemv = VECTOR_API ? Gemv.over(lmHead != null ? lmHead : embed) : null;
        decodeWeights = VECTOR_API && !trainable ? segments() : null;
    }

    /** The weights as segments over the tensors' buffers, or null when one of them is not a contiguous float32 CPU tensor. */
    private DecodeWeights segments() {
        var layers = new DecodeWeights.Layer[blocks.length];
        for (int l = 0; l < blocks.length; l++) {
            Block b = blocks[l];
            layers[l] = new DecodeWeights.Layer(DecodeWeights.of(b.inNorm), DecodeWeights.of(b.qkv), DecodeWeights.of(b.qkvBias), DecodeWeights.of(b.o),
                    DecodeWeights.of(b.oBias), DecodeWeights.of(b.postNorm), DecodeWeights.of(b.gateUp), DecodeWeights.of(b.down));
            if (layers[l].inNorm() == null || layers[l].qkv() == null || layers[l].o() == null || layers[l].postNorm() == null
                    || layers[l].gateUp() == null || layers[l].down() == null
                    || (b.qkvBias != null && layers[l].qkvBias() == null) || (b.oBias != null && layers[l].oBias() == null)) return null;
        }
        var w = new DecodeWeights(config, DecodeWeights.of(embed), DecodeWeights.of(lmHead != null ? lmHead : embed), DecodeWeights.of(finalNorm), layers);
        return w.embed() == null || w.lmHead() == null || w.finalNorm() == null ? null : w;
    }

    /**
     * The frozen weights for the fused decoder, read in place; null while the model is trainable (its
     * weights then change under autograd), on a device other than the CPU, or without the Vector API.
     */
    DecodeWeights decodeWeights() {
        return decodeWeights;
    }

    /** A model of config c with HF-style random init (normal 0.02, norms 1, biases 0), seeded through the engine RNG. */
    public static CausalLm random(ModelConfig c, long seed) {
        Engine.getInstance().setRandomSeed((int) seed);
        NDManager m = NDManager.newBaseManager(Device.cpu()); // pretraining's models: CPU
        int h = c.hidden(), qd = c.heads() * c.headDim(), kd = c.kvHeads() * c.headDim(), in = c.intermediate();
        NDArray embed = m.randomNormal(0, 0.02f, new Shape(c.vocabSize(), h), DataType.FLOAT32);
        NDArray lmHead = c.tieEmbeddings() ? null : m.randomNormal(0, 0.02f, new Shape(c.vocabSize(), h), DataType.FLOAT32);
        Block[] blocks = new Block[c.layers()];
        for (int l = 0; l < c.layers(); l++) {
            blocks[l] = new Block(m.ones(new Shape(h)), m.randomNormal(0, 0.02f, new Shape(qd + 2L * kd, h), DataType.FLOAT32),
                    c.qkvBias() ? m.zeros(new Shape(qd + 2L * kd)) : null,
                    m.randomNormal(0, 0.02f, new Shape(h, qd), DataType.FLOAT32), c.oBias() ? m.zeros(new Shape(h)) : null,
                    m.ones(new Shape(h)), m.randomNormal(0, 0.02f, new Shape(2L * in, h), DataType.FLOAT32),
                    m.randomNormal(0, 0.02f, new Shape(h, in), DataType.FLOAT32));
        }
        return new CausalLm(c, m, embed, lmHead, m.ones(new Shape(h)), blocks);
    }

    public ModelConfig config() {
        return config;
    }

    /** The manager that owns the parameters (adapters and value heads make sub-managers of it). */
    public NDManager manager() {
        return params;
    }

    /** All base parameters (fused layout), e.g. for pretraining. */
    public List<NDArray> parameters() {
        List<NDArray> l = new ArrayList<>(List.of(embed, finalNorm));
        if (lmHead != null) l.add(lmHead);
        for (Block b : blocks) l.addAll(b.arrays());
        return l;
    }

    /**
     * Makes the base parameters trainable (gradients attached) or frozen again. A trainable model
     * transposes its weights inside each forward: a cached view made before gradients were on passes
     * none to its weight, and one made before an in-place optimizer step cannot be backpropagated.
     */
    public void setTrainable(boolean trainable) {
        for (NDArray p : parameters()) p.setRequiresGradient(trainable);
        this.trainable = trainable;
        makeViews();
    }

    /** Number of parameters (tied embeddings counted once). */
    public long parameterCount() {
        return parameters().stream().mapToLong(a -> a.getShape().size()).sum();
    }

    /**
     * Final hidden states (after the last RMSNorm) [B, T, H] of {@code ids} [B, T] (int32) at
     * {@code positions} [B, T] (RoPE positions, float32), attending through the additive {@code mask}
     * [B, 1, T, S]. With a cache, keys/values of these tokens are written at slots
     * [cacheStart, cacheStart + T) and the queries attend over all S cache slots; without, S = T.
     */
    public NDArray forward(NDArray ids, NDArray positions, NDArray mask, KvCache cache, int cacheStart, LoraDelta lora) {
        long b = ids.getShape().get(0), t = ids.getShape().get(1);
        int g = config.groups(), d = config.headDim();
        NDArray x = embed.get(ids);
        x.attach(ids.getManager()); // results follow their first operand's manager: keep activations out of the parameters'
        NDArray freqs = positions.expandDims(2).mul(invFreq);          // [B,T,D/2]
        NDArray angles = freqs.concat(freqs, 2).expandDims(2);          // [B,T,1,D]
        NDArray cos = angles.cos(), sin = angles.sin();
        NDArray groupedMask = g == 1 ? mask : mask.tile(new long[]{1, 1, g, 1});           // [B,1,G*T,S], query row = g*T + t
        float scale = (float) (1.0 / Math.sqrt(d));
        long qd = (long) config.heads() * d, kd = (long) config.kvHeads() * d;
        for (int l = 0; l < blocks.length; l++) {
            Block bl = blocks[l];
            NDArray[] wt = trainable ? new NDArray[4] : transposed[l];
            Gemv[] gv = trainable ? new Gemv[4] : gemv[l];
            NDArray h = rmsNorm(x, bl.inNorm);
            NDArray qkv = linear(h, bl.qkv, wt[0], gv[0]);
            if (bl.qkvBias != null) qkv = qkv.add(bl.qkvBias);
            NDList parts = qkv.split(new long[]{qd, qd + kd}, 2);
            NDArray q = lora.apply(l, LoraTarget.Q, h, parts.get(0));
            NDArray k = lora.apply(l, LoraTarget.K, h, parts.get(1));
            NDArray v = lora.apply(l, LoraTarget.V, h, parts.get(2));
            q = Scalars.mul(rope(q.reshape(b, t, config.heads(), d), cos, sin), scale).transpose(0, 2, 1, 3); // [B,Hq,T,D]
            k = rope(k.reshape(b, t, config.kvHeads(), d), cos, sin).transpose(0, 2, 1, 3);           // [B,Hkv,T,D]
            v = v.reshape(b, t, config.kvHeads(), d).transpose(0, 2, 1, 3);
            if (cache != null) {
                cache.write(l, cacheStart, k, v);
                k = cache.keys(l);
                v = cache.values(l);
            }
            NDArray scores = q.reshape(b, config.kvHeads(), g * t, d).matMul(k.transpose(0, 1, 3, 2)).add(groupedMask);
            NDArray ctx = scores.softmax(3).matMul(v)                   // [B,Hkv,G*T,D]
                    .reshape(b, config.heads(), t, d).transpose(0, 2, 1, 3).reshape(b, t, qd);
            NDArray o = lora.apply(l, LoraTarget.O, ctx, linear(ctx, bl.o, wt[1], gv[1]));
            if (bl.oBias != null) o = o.add(bl.oBias);
            x = x.add(o);
            h = rmsNorm(x, bl.postNorm);
            NDList gu = linear(h, bl.gateUp, wt[2], gv[2]).split(2, 2);
            NDArray gate = lora.apply(l, LoraTarget.GATE, h, gu.get(0));
            NDArray up = lora.apply(l, LoraTarget.UP, h, gu.get(1));
            NDArray act = gate.mul(Activation.sigmoid(gate)).mul(up);
            x = x.add(lora.apply(l, LoraTarget.DOWN, act, linear(act, bl.down, wt[3], gv[3])));
        }
        return rmsNorm(x, finalNorm);
    }

    /** HF RMSNorm in float32: w · x / sqrt(mean(x²) + eps). */
    private NDArray rmsNorm(NDArray x, NDArray w) {
        return x.mul(Scalars.pow(x.square().mean(new int[]{-1}, true).add(config.rmsNormEps()), -0.5)).mul(w);
    }

    /** HF apply_rotary_pos_emb on [B,T,heads,D]: x·cos + rotate_half(x)·sin. */
    private NDArray rope(NDArray x, NDArray cos, NDArray sin) {
        return x.mul(cos).add(x.matMul(rotateHalf).mul(sin));
    }

    /** Logits [..., V] of final hidden states [..., H]. */
    public NDArray logits(NDArray hidden) {
        return linear(hidden, lmHead != null ? lmHead : embed, trainable ? null : lmHeadT, trainable ? null : lmHeadGemv);
    }

    /** Up to this many rows, a linear layer runs as (W xᵀ)ᵀ: the GEMV then reads W in storage order (~25% faster decode). */
    private static final long FEW_ROWS = 16;

    /**
     * x [..., in] · Wᵀ for W [out, in] (wT its cached transposed view, or null to transpose now; g its
     * single-row product, or null). One row with no gradient to carry (batch-1 decoding) goes through g.
     */
    private static NDArray linear(NDArray x, NDArray w, NDArray wT, Gemv g) {
        Shape s = x.getShape();
        long in = s.get(s.dimension() - 1), rows = s.size() / in;
        if (rows == 1 && g != null && !x.hasGradient()) {
            long[] outShape = s.getShape().clone();
            outShape[outShape.length - 1] = g.rows();
            return Owned.of(x.getManager().create(g.times(x.toFloatArray()), new Shape(outShape)));
        }
        if (rows > FEW_ROWS) {
            if (wT != null) return x.matMul(wT);
            NDArray t = w.transpose();
            t.attach(x.getManager()); // a temporary: keep it out of the parameters' manager
            return x.matMul(t);
        }
        NDArray y = w.matMul(x.reshape(rows, in).transpose());
        y.attach(x.getManager()); // results follow their first operand: keep it out of the parameters' manager
        long[] outShape = s.getShape().clone();
        outShape[outShape.length - 1] = w.getShape().get(0);
        return y.transpose().reshape(outShape);
    }

    /** Writes this model as an HF folder: config.json and model.safetensors (F32, unfused HF names). */
    public void save(Path dir) {
        SafeTensorsWriter w = new SafeTensorsWriter();
        long qd = (long) config.heads() * config.headDim(), kd = (long) config.kvHeads() * config.headDim(), in = config.intermediate();
        try (NDScope scope = new NDScope()) { // the row slices below are temporaries
            scope.suppressNotUsedWarning();
            w.add("model.embed_tokens.weight", embed);
            if (lmHead != null) w.add("lm_head.weight", lmHead);
            w.add("model.norm.weight", finalNorm);
            for (int l = 0; l < blocks.length; l++) {
                Block b = blocks[l];
                String p = "model.layers." + l + ".";
                w.add(p + "input_layernorm.weight", b.inNorm);
                w.add(p + "post_attention_layernorm.weight", b.postNorm);
                w.add(p + "self_attn.q_proj.weight", b.qkv.get("0:{}", qd));
                w.add(p + "self_attn.k_proj.weight", b.qkv.get("{}:{}", qd, qd + kd));
                w.add(p + "self_attn.v_proj.weight", b.qkv.get("{}:", qd + kd));
                if (b.qkvBias != null) {
                    w.add(p + "self_attn.q_proj.bias", b.qkvBias.get("0:{}", qd));
                    w.add(p + "self_attn.k_proj.bias", b.qkvBias.get("{}:{}", qd, qd + kd));
                    w.add(p + "self_attn.v_proj.bias", b.qkvBias.get("{}:", qd + kd));
                }
                w.add(p + "self_attn.o_proj.weight", b.o);
                if (b.oBias != null) w.add(p + "self_attn.o_proj.bias", b.oBias);
                w.add(p + "mlp.gate_proj.weight", b.gateUp.get("0:{}", in));
                w.add(p + "mlp.up_proj.weight", b.gateUp.get("{}:", in));
                w.add(p + "mlp.down_proj.weight", b.down);
            }
        }
        try {
            Files.createDirectories(dir);
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), config.toJson());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir, e);
        }
        w.metadata("format", "pt").write(dir.resolve("model.safetensors"), "F32");
    }

    @Override
    public void close() {
        params.close();
    }
}
