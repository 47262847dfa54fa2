// Vecformer from Java, as TransformerLens is used from a notebook: train a small two-layer attention-only model on
// repeated random tokens, cache its activations by TransformerLens name, find its previous-token and induction heads,
// patch one of them out through a hook, and read the K-composition between them.
// Run: examples/jshell examples/induction-heads.jsh   (CI runs it too: cli ExamplesTest)

import org.vecformer.engine.tensor.Tensor;
import org.vecformer.model.circuits.*;
import org.vecformer.model.data.InductionTask;
import org.vecformer.model.train.*;
import org.vecformer.model.transformer.*;

// 1. Train: 2 layers, d_model 64, 4 heads of 16, n_ctx 32, 32 token ids; 400 steps take a few seconds.
Config config = Config.of(2, 64, 4, 16, 32, 32);
TrainConfig train = TrainConfig.of(400, 32, 2e-3, 1);
InductionTask data = new InductionTask(config.dVocab(), config.nCtx(), 1);
Trainer trainer = new Trainer(Weights.init(config, 1, train.initStd()), train, data, data.heldOut().next(64));
while (!trainer.done()) trainer.step();
Transformer model = new Transformer(trainer.weights());
System.out.printf("held-out loss after %d steps: %.3f (ln 32 = %.3f)%n", trainer.stepsDone(), trainer.heldOutLoss(), Math.log(32));

// 2. Run with a cache: every activation whose TransformerLens name matches, shapes batch first.
int[][] tokens = HeadDetector.repeatedTokens(config.dVocab(), 8, 1, 7);      // [r1..r8, r1..r8]
Run run = model.run(tokens, Hooks.caching(name -> name.endsWith("hook_pattern") || name.equals("blocks.1.hook_resid_pre")));
Tensor pattern = run.cache().get("blocks.1.attn.hook_pattern");                 // [batch, head, query, key]
System.out.println("cached: " + run.cache().keySet() + ", pattern shape " + java.util.Arrays.toString(pattern.shape()));

// 3. Head scores on repeated random tokens: previous-token (key i-1) and induction (key i-n+1).
HeadDetector scores = HeadDetector.detect(model, 8, 16, 3);
int prev = 0, ind = 0;
for (int h = 0; h < config.nHeads(); h++) {
    if (scores.previousToken()[0][h] > scores.previousToken()[0][prev]) prev = h;
    if (scores.induction()[1][h] > scores.induction()[1][ind]) ind = h;
}
System.out.printf("previous-token head L0H%d (%.2f), induction head L1H%d (%.2f)%n",
        prev, scores.previousToken()[0][prev], ind, scores.induction()[1][ind]);

// 4. A hook that patches: zero the induction head's z (TransformerLens hook_z [batch, pos, head, d_head]) and watch
//    the loss on the repeated half of the sequence go up.
double repeatedLoss(Tensor perToken) {                    // [batch, pos]: mean over the predictable second half
    double s = 0; int n = 0;
    for (int t = 8; t < 15; t++) { s += perToken.get(0, t); n++; }
    return s / n;
}
final int head = ind;
Tensor clean = Transformer.loss(model.forward(tokens), tokens);
Tensor ablated = Transformer.loss(model.run(tokens, Hooks.none().with("blocks.1.attn.hook_z", (z, name) -> {
    for (int t = 0; t < z.shape()[1]; t++) for (int e = 0; e < z.shape()[3]; e++) z.set(0f, 0, t, head, e);
    return z;
})).logits(), tokens);
System.out.printf("loss on the repeated half: %.3f clean, %.3f with L1H%d zeroed%n", repeatedLoss(clean), repeatedLoss(ablated), head);

// 5. A circuit score: K-composition of the previous-token head into the induction head, against the random baseline.
Composition composition = Composition.of(new Circuits(CircuitWeights.of(model.weights())));
System.out.printf("K-composition L0H%d -> L1H%d: %.3f (random baseline %.3f)%n",
        prev, ind, composition.k()[0][prev][1][ind], composition.baseline());

// What the example promises; CI fails if a change breaks it.
if (scores.induction()[1][ind] < 0.3) throw new AssertionError("no induction head formed: " + scores.induction()[1][ind]);
if (repeatedLoss(ablated) <= repeatedLoss(clean)) throw new AssertionError("zeroing the induction head did not hurt");
/exit
