package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.burrow.agent.Agent;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.store.MutableClock;
import dev.burrow.store.TokenScope;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host's wall clock jumping under a running edge (NTP stepping it, an operator setting it): token expiry is
 * judged by that clock, so a jump past a token's expiry ends its session, and a jump back expires nothing early.
 * Name grace and heartbeats run on the monotonic clock, which no such jump moves.
 */
class ClockJumpTest {
    @TempDir
    Path dataDir;
    private final MutableClock clock = new MutableClock(Instant.now());
    private final TestUpstream upstream = new TestUpstream();
    private final FaultWatch watch = new FaultWatch();
    private final LogLines edgeLog = new LogLines("dev.burrow");
    private TunnelHarness harness;
    private String token;

    ClockJumpTest() throws Exception {
    }

    @BeforeEach
    void setUp() {
        harness = new TunnelHarness(dataDir, b -> b.clock(clock));
        harness.edge.store().accounts().create("team", "free");
        Instant expiry = clock.instant().plus(Duration.ofHours(1));
        token = harness.edge.store().tokens()
                .create("team", "hourly", new TokenScope(List.of(), List.of(), Optional.of(expiry))).token();
    }

    @AfterEach
    void tearDown() {
        harness.close();
        upstream.close();
        edgeLog.close();
        watch.assertClean();
        watch.close();
    }

    private Agent serving(String subdomain) {
        Agent agent = harness.startAgent(harness.agentBuilder().authtoken(token));
        agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain(subdomain));
        return agent;
    }

    @Test
    void aJumpPastTheTokensExpiryEndsItsSessionAndSaysWhy() throws Exception {
        Agent agent = serving("jump");
        assertThat(harness.get("jump.burrow.test", "/").statusCode()).isEqualTo(200);

        clock.advance(Duration.ofHours(2));

        // The edge checks live sessions' tokens twice a second; the bound leaves room for a busy machine.
        TunnelHarness.assertStoppedBy(agent, ErrorCode.AUTH_REVOKED, "authtoken 'hourly' expired",
                Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(10)).until(() -> harness.edge.tunnels().isEmpty());
        assertThat(harness.get("jump.burrow.test", "/").statusCode()).isIn(404, 503);
    }

    @Test
    void aJumpBackwardsExpiresNothingAndBreaksNothing() throws Exception {
        Agent agent = serving("back");

        clock.advance(Duration.ofDays(-3));

        // Several token checks run in these two seconds; none may end the session.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                .until(() -> !agent.stopped().isDone() && harness.edge.tunnels().size() == 1);
        assertThat(harness.get("back.burrow.test", "/").statusCode()).isEqualTo(200);
        Agent second = serving("back-again");
        assertThat(harness.get("back-again.burrow.test", "/").statusCode()).isEqualTo(200);
        assertThat(second.stopped()).isNotDone();
        assertThat(edgeLog.events()).as("warnings and errors after the jump")
                .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .extracting(e -> e.getFormattedMessage()).isEmpty();
    }
}
