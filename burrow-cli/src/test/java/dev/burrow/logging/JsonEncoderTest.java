package dev.burrow.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonEncoderTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final CapturedLog log = new CapturedLog(new JsonEncoder());

    private List<JsonNode> lines() throws IOException {
        String text = log.text();
        assertThat(text).endsWith("\n");
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : text.split("\n")) {
            nodes.add(MAPPER.readTree(line));
        }
        return nodes;
    }

    @Test
    void writesOneObjectPerLineWithStandardFieldsAndTypedPairs() throws IOException {
        log.logger("dev.burrow.edge.Edge").atInfo()
                .addKeyValue("name", "calm-otter-42")
                .addKeyValue("port", 8080)
                .addKeyValue("tls", true)
                .addKeyValue("peer", new StringBuilder("10.0.0.1"))
                .log("tunnel started");
        log.logger("dev.burrow.edge.Edge").info("second\nline");

        List<JsonNode> lines = lines();
        assertThat(lines).hasSize(2);

        JsonNode first = lines.get(0);
        assertThat(first.get("t").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(first.get("lvl").asText()).isEqualTo("info");
        assertThat(first.get("logger").asText()).isEqualTo("Edge");
        assertThat(first.get("msg").asText()).isEqualTo("tunnel started");
        assertThat(first.get("name").asText()).isEqualTo("calm-otter-42");
        assertThat(first.get("port").isIntegralNumber()).isTrue();
        assertThat(first.get("port").asInt()).isEqualTo(8080);
        assertThat(first.get("tls").isBoolean()).isTrue();
        assertThat(first.get("peer").asText()).isEqualTo("10.0.0.1");
        assertThat(first.has("err")).isFalse();

        assertThat(lines.get(1).get("msg").asText()).isEqualTo("second\nline");
    }

    @Test
    void includesErrAndStack() throws IOException {
        log.logger("x").atError().setCause(new IOException("connection refused")).log("dial failed");

        JsonNode line = lines().get(0);
        assertThat(line.get("lvl").asText()).isEqualTo("error");
        assertThat(line.get("err").asText()).isEqualTo("connection refused");
        assertThat(line.get("stack").asText())
                .startsWith("java.io.IOException: connection refused\n\tat dev.burrow.logging.JsonEncoderTest");
    }
}
