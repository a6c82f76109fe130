package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.burrow.agent.Agent;
import dev.burrow.agent.HttpTunnelOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * An agent that stops (Ctrl-C, SIGTERM, {@code close()}) tells the edge so, and the edge must hear it whatever it was
 * sending the agent at that moment: a drained session lets its names go at once, where a lost one holds them.
 */
class AgentCloseTest {
    private static final int AGENTS = 10;

    @TempDir
    Path dataDir;
    TunnelHarness harness;
    TestUpstream upstream;
    final ListAppender<ILoggingEvent> sessionEnds = new ListAppender<>();
    final Logger sessionLog = (Logger) LoggerFactory.getLogger("dev.burrow.edge.SessionEnd");

    @BeforeEach
    void setUp() throws Exception {
        // The edge pings every couple of milliseconds, so a ping is on its way to the agent whenever it closes.
        harness = new TunnelHarness(dataDir, edge -> edge.heartbeat(Duration.ofMillis(2), 1000));
        upstream = new TestUpstream();
        sessionEnds.start();
        sessionLog.addAppender(sessionEnds);
    }

    @AfterEach
    void tearDown() {
        sessionLog.detachAppender(sessionEnds);
        harness.close();
        upstream.close();
    }

    @Test
    void anAgentThatClosesWhileTheEdgeIsSendingEndsItsSessionAsDrained() {
        for (int i = 0; i < AGENTS; i++) {
            Agent agent = harness.startAgent(harness.agentBuilder().reconnect(false));
            agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())));
            agent.close();
            int ended = i + 1;
            await().atMost(Duration.ofSeconds(10)).until(() -> sessionEnds.list.size() == ended);
        }

        List<String> reasons = sessionEnds.list.stream()
                .map(end -> String.valueOf(end.getKeyValuePairs())).toList();
        assertThat(reasons).hasSize(AGENTS).allSatisfy(end -> assertThat(end).contains("reason=\"agent_drained\""));
    }
}
