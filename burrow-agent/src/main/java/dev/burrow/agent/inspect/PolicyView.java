package dev.burrow.agent.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * A tunnel's traffic policy as the inspector API shows it: the document as JSON, with every secret masked (client
 * secrets, the passwords of basic-auth credentials), since the API answers anyone who can reach its address.
 */
final class PolicyView {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Set<String> SECRET_KEYS = Set.of("client_secret", "secret", "password");
    private static final String MASK = "********";

    private PolicyView() {
    }

    /** The policy with its secrets masked, or null when the tunnel has none. */
    static JsonNode masked(String policy) {
        if (policy == null || policy.isBlank()) {
            return null;
        }
        JsonNode tree;
        try {
            tree = YAML.readTree(policy);
        } catch (IOException e) {
            // The edge compiled it, so it parses; if not, show nothing rather than the raw text.
            return null;
        }
        mask(tree);
        return tree;
    }

    private static void mask(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (SECRET_KEYS.contains(field.getKey())) {
                    field.setValue(TextNode.valueOf(MASK));
                } else if (field.getKey().equals("credentials") && field.getValue() instanceof ArrayNode pairs) {
                    for (int i = 0; i < pairs.size(); i++) {
                        String pair = pairs.get(i).asText();
                        int colon = pair.indexOf(':');
                        pairs.set(i, TextNode.valueOf((colon < 0 ? "" : pair.substring(0, colon + 1)) + MASK));
                    }
                } else {
                    mask(field.getValue());
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(PolicyView::mask);
        }
    }
}
