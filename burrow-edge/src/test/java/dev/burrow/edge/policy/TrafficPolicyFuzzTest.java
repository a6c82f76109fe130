package dev.burrow.edge.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.burrow.protocol.TunnelType;
import java.nio.charset.StandardCharsets;

/**
 * A traffic policy is text an agent sends with its bind, up to 32 KiB: {@link TrafficPolicy#compile} gives a policy
 * or a {@link PolicyException} (which fails the bind with {@code policy_invalid}), and so does checking that a policy
 * fits each tunnel type; anything else thrown would end the agent's session instead.
 */
class TrafficPolicyFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void compilesOrRefuses(byte[] input) {
        TrafficPolicy policy;
        try {
            policy = TrafficPolicy.compile(new String(input, StandardCharsets.UTF_8));
        } catch (PolicyException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            return;
        }
        assertThat(policy).isNotNull();
        for (TunnelType type : TunnelType.values()) {
            try {
                policy.checkFits(type);
            } catch (PolicyException refused) {
                assertThat(refused.getMessage()).isNotBlank();
            }
        }
    }
}
