package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.agent.Agent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token guessing on the agent port, as the guesser and the token's owner see it, on a real edge over loopback. */
class AgentAuthThrottleTest {
    @TempDir
    Path dataDir;
    TunnelHarness harness;

    @BeforeEach
    void setUp() {
        harness = new TunnelHarness(dataDir);
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    /** A token of the right shape whose id no token has: a guess. */
    static String guess(int n) {
        return "brw_" + String.format("guess%07d", n) + "_" + "A".repeat(43);
    }

    /** The edge's answer to one {@code hello} with {@code token} on a new connection from 127.0.0.1. */
    private String helloFromLoopback(String token) throws IOException {
        try (FakeAgent agent = new FakeAgent(harness.edge.agentAddress().getPort())) {
            return agent.hello(token);
        }
    }

    @Test
    void aGoodTokenStillConnectsAfterBadOnesFromItsAddress() throws Exception {
        Agent owner = harness.startAgent();
        List<String> answers = new ArrayList<>();
        for (int n = 1; n <= 8; n++) {
            answers.add(helloFromLoopback(guess(n)));
        }

        assertThat(answers.subList(0, 4)).allSatisfy(answer -> assertThat(answer).contains("\"auth_failed\""));
        assertThat(answers.subList(4, 8)).allSatisfy(answer -> assertThat(answer)
                .contains("\"rate_limited\"").containsPattern("too many failed attempts; retry in \\d+s"));
        Agent again = harness.startAgent();
        assertThat(owner.isConnected()).isTrue();
        assertThat(again.isConnected()).isTrue();
    }

    @Test
    void aSuccessInBetweenDoesNotResetTheCount() throws Exception {
        List<String> answers = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (int n = 1; n <= 4; n++) {
                answers.add(helloFromLoopback(guess(round * 10 + n)));
            }
            try (FakeAgent agent = new FakeAgent(harness.edge.agentAddress().getPort())) {
                assertThat(agent.hello(harness.token)).contains("\"welcome\"");
            }
        }

        assertThat(answers.subList(0, 4)).allSatisfy(answer -> assertThat(answer).contains("\"auth_failed\""));
        assertThat(answers.get(4)).contains("\"rate_limited\"");
        assertThat(answers.subList(5, 8)).allSatisfy(answer -> assertThat(answer).contains("\"rate_limited\""));
    }
}
