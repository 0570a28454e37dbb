package ai.marft.eval;

import ai.marft.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One evaluated episode, as written to the per-problem JSONL.
 *
 * @param index      the problem's position in the dataset
 * @param sample     which of the K samples of that problem
 * @param answer     the answer extracted from the last graded agent's final action (null: none stated)
 * @param correct    whether the final step's score was positive (the judge said correct)
 * @param score      the final step's score: fraction of graded agents correct
 * @param steps      joint steps the episode took
 * @param transcript the environment's final state: problem, every turn, the judge's lines
 */
public record EpisodeRecord(int index, int sample, String problem, String gold, String answer, boolean correct, double score, int steps,
                            String transcript) {
    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("index", index).put("sample", sample).put("problem", problem).put("gold", gold).put("answer", answer)
                .put("correct", correct).put("score", score).put("steps", steps).put("transcript", transcript);
        return o;
    }
}
