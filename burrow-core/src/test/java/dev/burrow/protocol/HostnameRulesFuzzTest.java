package dev.burrow.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.regex.Pattern;

/**
 * A name a tunnel asks for comes from the agent, and the edge checks it with {@link HostnameRules} on every bind and
 * every public request: any text gets an answer, and the answer is the documented shape, which this test states
 * independently of the hand-written loop as a regular expression.
 */
class HostnameRulesFuzzTest {
    private static final String LABEL = "(?!-)[a-z0-9-]{1,63}(?<!-)";
    private static final Pattern VALID_LABEL = Pattern.compile(LABEL);
    private static final Pattern VALID_HOSTNAME = Pattern.compile(LABEL + "(\\." + LABEL + ")+");

    @FuzzTest(maxDuration = "10m")
    void answersAsTheDocumentedShape(byte[] input) {
        String name = new String(input, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(HostnameRules.isValidLabel(name)).isEqualTo(VALID_LABEL.matcher(name).matches());
        assertThat(HostnameRules.isValidHostname(name))
                .isEqualTo(name.length() <= 253 && VALID_HOSTNAME.matcher(name).matches());
    }
}
