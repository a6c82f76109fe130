package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.burrow.store.TokenScope;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code hello} naming the session it resumes, written by hand: the edge ends a session of the same token at once
 * and gives its names to the new one, and ignores a session of any other token, whose agent keeps its names.
 * (The agent's own use of it, after a silent drop it noticed first, is {@link SilentDropTest}'s.)
 */
class SessionResumeTest {
    private static final Pattern SESSION = Pattern.compile("\"session\":\"([^\"]+)\"");

    @TempDir
    Path dataDir;
    TunnelHarness harness;
    String laptop;
    String other;

    @BeforeEach
    void setUp() {
        harness = new TunnelHarness(dataDir);
        harness.edge.store().accounts().create("team", "free");
        laptop = harness.edge.store().tokens().create("team", "laptop", TokenScope.ANY).token();
        other = harness.edge.store().tokens().create("team", "server", TokenScope.ANY).token();
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    @Test
    void aHelloOfTheSameTokenNamingALiveSessionEndsItAndTakesItsNames() throws IOException {
        try (FakeAgent before = new FakeAgent(harness.edge.agentAddress().getPort());
             LogLines sessionEnds = new LogLines("dev.burrow.edge.SessionEnd")) {
            String session = sessionOf(before.hello(laptop));
            assertThat(before.bindHttp(1, "mine")).contains("\"type\":\"bound\"");

            try (FakeAgent after = new FakeAgent(harness.edge.agentAddress().getPort())) {
                assertThat(helloResuming(after, laptop, session)).contains("\"type\":\"welcome\"");
                assertThat(after.bindHttp(1, "mine")).contains("\"type\":\"bound\"");
            }
            assertThat(before.h2.closedByEdge()).isTrue();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(sessionEnds.lines())
                    .anySatisfy(line -> assertThat(line).containsEntry("session", session)
                            .containsEntry("reason", "superseded")));
        }
    }

    @Test
    void aHelloOfAnotherTokenNamingALiveSessionLeavesItAndItsNamesAlone() throws IOException {
        try (FakeAgent owner = new FakeAgent(harness.edge.agentAddress().getPort());
             FakeAgent intruder = new FakeAgent(harness.edge.agentAddress().getPort())) {
            String session = sessionOf(owner.hello(laptop));
            assertThat(owner.bindHttp(1, "mine")).contains("\"type\":\"bound\"");

            assertThat(helloResuming(intruder, other, session)).contains("\"type\":\"welcome\"");
            assertThat(intruder.bindHttp(1, "mine")).contains("\"code\":\"hostname_taken\"");
            // The owner's session is still there: it binds another name.
            assertThat(owner.bindHttp(2, "also-mine")).contains("\"type\":\"bound\"");
        }
    }

    @Test
    void aHelloNamingNoSessionOfThisEdgeIsAnOrdinaryHello() throws IOException {
        try (FakeAgent agent = new FakeAgent(harness.edge.agentAddress().getPort())) {
            assertThat(helloResuming(agent, laptop, "no-such-session")).contains("\"type\":\"welcome\"");
            assertThat(agent.bindHttp(1, "mine")).contains("\"type\":\"bound\"");
        }
    }

    private static String helloResuming(FakeAgent agent, String token, String session) throws IOException {
        agent.send("{\"type\":\"hello\",\"version\":1,\"authtoken\":\"" + token
                + "\",\"client\":\"fake-agent\",\"resume\":\"" + session + "\"}");
        return agent.awaitControlLine();
    }

    private static String sessionOf(String welcome) {
        Matcher session = SESSION.matcher(welcome);
        assertThat(session.find()).as("a session in %s", welcome).isTrue();
        return session.group(1);
    }
}
