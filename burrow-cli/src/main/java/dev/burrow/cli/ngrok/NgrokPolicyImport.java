package dev.burrow.cli.ngrok;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.burrow.edge.policy.action.ActionTypes;
import java.util.Iterator;
import java.util.Set;

/**
 * An ngrok traffic policy as Burrow can run it. The format is the same (phases, rules with {@code expressions} and
 * {@code actions}); what differs is the set of actions, so an action whose type Burrow lacks is left out with a
 * note, and a rule left with no action goes too. Whether the rest compiles is for the caller to check.
 */
final class NgrokPolicyImport {
    private static final Set<String> KNOWN = ActionTypes.names();

    private NgrokPolicyImport() {
    }

    /** A copy of {@code policy} without the actions Burrow lacks, each noted at its place under {@code at}. */
    static JsonNode carry(JsonNode policy, JsonPointer at, ImportNotes notes) {
        JsonNode copy = policy.deepCopy();
        if (!copy.isObject()) {
            return copy;
        }
        for (var phases = copy.fields(); phases.hasNext(); ) {
            var phase = phases.next();
            if (phase.getValue().isArray()) {
                carryRules((ArrayNode) phase.getValue(), at.appendProperty(phase.getKey()), notes);
            }
        }
        return copy;
    }

    private static void carryRules(ArrayNode rules, JsonPointer at, ImportNotes notes) {
        int index = 0;
        for (Iterator<JsonNode> each = rules.iterator(); each.hasNext(); index++) {
            JsonNode rule = each.next();
            JsonNode actions = rule.path("actions");
            if (!actions.isArray() || actions.isEmpty()) {
                continue;
            }
            JsonPointer ruleAt = at.appendIndex(index);
            int actionIndex = 0;
            for (Iterator<JsonNode> action = actions.iterator(); action.hasNext(); actionIndex++) {
                String type = action.next().path("type").asText(null);
                if (type != null && !KNOWN.contains(type)) {
                    notes.notCarried(ruleAt.appendProperty("actions").appendIndex(actionIndex),
                            "Burrow has no '" + type + "' action");
                    action.remove();
                }
            }
            if (actions.isEmpty()) {
                notes.notCarried(ruleAt, "no action of it is one Burrow has, so the rule is left out"
                        + (rule instanceof ObjectNode named && named.hasNonNull("name")
                        ? " ('" + named.get("name").asText() + "')" : ""));
                each.remove();
            }
        }
    }
}
