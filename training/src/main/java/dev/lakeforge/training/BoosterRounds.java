package dev.lakeforge.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import ml.dmlc.xgboost4j.java.XGBoostError;
import ml.dmlc.xgboost4j.scala.Booster;
import ml.dmlc.xgboost4j.scala.XGBoost;

/**
 * Cuts an XGBoost booster down to its first rounds, or drops attributes from it, without retraining.
 *
 * <p>XGBoost's early stopping keeps training {@code rounds} past the best round and leaves those trees in the
 * booster; only its Python API slices a booster ({@code booster[:n]}), xgboost4j 3.4 has no slice. So the booster's
 * JSON model (the documented schema, doc/model.schema in xgboost) is cut: the first
 * {@code iteration_indptr[n]} trees and their {@code tree_info}, {@code iteration_indptr} up to {@code n}, and
 * {@code num_trees}; for dart also {@code weight_drop}. {@code BoosterRoundsTest} checks that the cut booster
 * predicts bit for bit what the whole one predicts with its first rounds.
 */
final class BoosterRounds {
  /**
   * Floats are read as doubles and written back with Double.toString, which keeps a decimal point (XGBoost refuses
   * an integer where it expects a number, e.g. "0" for "0E0" as exact BigDecimals would write it). XGBoost writes
   * each float32 as a shortest decimal; the double nearest it prints back to the same float32.
   */
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The attributes XGBoost's training loop sets for the round with the best validation metric. */
  static final List<String> BEST_ROUND_ATTRIBUTES = List.of("best_iteration", "best_score");

  private BoosterRounds() {}

  /**
   * A new booster holding the first {@code rounds} boosting rounds of {@code booster} (every class's and parallel
   * tree of each), with the same attributes (best_iteration among them); {@code booster} is left as it was.
   *
   * @throws IllegalStateException when the booster's JSON is not the gbtree/dart schema or cannot be read back
   */
  static Booster firstRounds(Booster booster, int rounds) {
    try {
      ObjectNode root = (ObjectNode) JSON.readTree(booster.toByteArray("json"));
      JsonNode gradientBooster = root.path("learner").path("gradient_booster");
      String name = gradientBooster.path("name").asText();
      ObjectNode model = (ObjectNode) ("dart".equals(name) ? gradientBooster.path("gbtree").path("model")
          : gradientBooster.path("model"));
      ArrayNode indptr = (ArrayNode) model.get("iteration_indptr");
      if (indptr == null || rounds < 1 || rounds >= indptr.size()) {
        throw new IllegalStateException("the booster has " + (indptr == null ? "no" : indptr.size() - 1)
            + " rounds in its JSON model; cannot keep " + rounds);
      }
      int trees = indptr.get(rounds).asInt();
      model.set("trees", head((ArrayNode) model.get("trees"), trees));
      model.set("tree_info", head((ArrayNode) model.get("tree_info"), trees));
      model.set("iteration_indptr", head(indptr, rounds + 1));
      ((ObjectNode) model.get("gbtree_model_param")).put("num_trees", String.valueOf(trees));
      if ("dart".equals(name)) {
        ((ObjectNode) gradientBooster).set("weight_drop", head((ArrayNode) gradientBooster.get("weight_drop"), trees));
      }
      Booster cut = XGBoost.loadModel(new ByteArrayInputStream(JSON.writeValueAsBytes(root)));
      if (cut.getNumBoostedRound() != rounds) {
        throw new IllegalStateException("the cut booster has " + cut.getNumBoostedRound() + " rounds, not " + rounds);
      }
      return cut;
    } catch (IOException | XGBoostError | ClassCastException e) {
      throw new IllegalStateException("Cannot keep the first " + rounds + " rounds of the booster: " + e.getMessage(),
          e);
    }
  }

  /**
   * A new booster with the same trees and without the named attributes; {@code booster} is left as it was.
   * xgboost4j's {@code setAttr} cannot delete one (its JNI call reads a null value as a string), so the attributes
   * are dropped from the booster's JSON model ({@code learner.attributes}).
   *
   * @throws IllegalStateException when the booster's JSON cannot be read back
   */
  static Booster withoutAttributes(Booster booster, Collection<String> names) {
    try {
      ObjectNode root = (ObjectNode) JSON.readTree(booster.toByteArray("json"));
      JsonNode attributes = root.path("learner").path("attributes");
      if (attributes instanceof ObjectNode object) {
        object.remove(names);
      }
      return XGBoost.loadModel(new ByteArrayInputStream(JSON.writeValueAsBytes(root)));
    } catch (IOException | XGBoostError | ClassCastException e) {
      throw new IllegalStateException("Cannot drop the booster's attributes " + names + ": " + e.getMessage(), e);
    }
  }

  private static ArrayNode head(ArrayNode array, int n) {
    ArrayNode out = JSON.createArrayNode();
    for (int i = 0; i < n; i++) {
      out.add(array.get(i));
    }
    return out;
  }
}
