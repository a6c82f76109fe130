package dev.burrow.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.edge.policy.PolicySlot;
import dev.burrow.edge.policy.TrafficPolicy;
import dev.burrow.protocol.TunnelType;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TunnelRegistryTest {
    private static final Duration GRACE = Duration.ofMinutes(2);
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final TunnelRegistry registry = new TunnelRegistry(nanos::get);

    private static Tunnel tunnel(TunnelType type, String routeKey) {
        return new Tunnel() {
            private final PolicySlot slot = new PolicySlot(TrafficPolicy.NONE);

            @Override
            public String id() {
                return type + "/" + routeKey;
            }

            @Override
            public TunnelType type() {
                return type;
            }

            @Override
            public AgentSession session() {
                return null;
            }

            @Override
            public String url() {
                return routeKey;
            }

            @Override
            public String routeKey() {
                return routeKey;
            }

            @Override
            public PolicySlot policySlot() {
                return slot;
            }
        };
    }

    private void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    @Test
    void aBoundNameIsTakenForEveryoneElse() {
        Tunnel first = tunnel(TunnelType.HTTP, "api.test");

        assertThat(registry.bind(first, "team")).isEqualTo(TunnelRegistry.Claim.BOUND);
        assertThat(registry.bind(tunnel(TunnelType.HTTP, "api.test"), "team")).isEqualTo(TunnelRegistry.Claim.TAKEN);
        assertThat(registry.bind(tunnel(TunnelType.HTTP, "api.test"), "other")).isEqualTo(TunnelRegistry.Claim.TAKEN);
        assertThat(registry.bind(tunnel(TunnelType.TLS, "api.test"), "other")).isEqualTo(TunnelRegistry.Claim.BOUND);
        assertThat(registry.find(TunnelType.HTTP, "api.test")).isSameAs(first);
    }

    @Test
    void aNameLostWithItsSessionIsHeldForItsAccountThroughTheGracePeriod() {
        Tunnel lost = tunnel(TunnelType.HTTP, "api.test");
        registry.bind(lost, "team");

        registry.unbind(lost, "team", GRACE);
        advance(GRACE.minusSeconds(1));

        assertThat(registry.find(TunnelType.HTTP, "api.test")).isNull();
        assertThat(registry.bind(tunnel(TunnelType.HTTP, "api.test"), "other")).isEqualTo(TunnelRegistry.Claim.HELD);
        Tunnel back = tunnel(TunnelType.HTTP, "api.test");
        assertThat(registry.bind(back, "team")).isEqualTo(TunnelRegistry.Claim.BOUND);
        assertThat(registry.find(TunnelType.HTTP, "api.test")).isSameAs(back);
    }

    @Test
    void theHoldEndsWithTheGracePeriodOrWhenTheOwnerTookItBack() {
        Tunnel lost = tunnel(TunnelType.HTTP, "api.test");
        registry.bind(lost, "team");
        registry.unbind(lost, "team", GRACE);

        advance(GRACE);

        assertThat(registry.bind(tunnel(TunnelType.HTTP, "api.test"), "other")).isEqualTo(TunnelRegistry.Claim.BOUND);

        Tunnel again = tunnel(TunnelType.HTTP, "web.test");
        registry.bind(again, "team");
        registry.unbind(again, "team", GRACE);
        Tunnel back = tunnel(TunnelType.HTTP, "web.test");
        registry.bind(back, "team");
        registry.unbind(back, "team", Duration.ZERO);
        assertThat(registry.bind(tunnel(TunnelType.HTTP, "web.test"), "other")).isEqualTo(TunnelRegistry.Claim.BOUND);
    }

    @Test
    void aNameLetGoIsFreeAtOnceButNotGivenOutAtRandomForAnHour() {
        Tunnel tunnel = tunnel(TunnelType.HTTP, "calm-otter-42.test");
        registry.bind(tunnel, "team");
        assertThat(registry.isFresh(TunnelType.HTTP, "calm-otter-42.test")).isFalse();

        registry.unbind(tunnel, "team", Duration.ZERO);

        assertThat(registry.isFresh(TunnelType.HTTP, "calm-otter-42.test")).isFalse();
        assertThat(registry.wasRecentlyBound(TunnelType.HTTP, "calm-otter-42.test")).isTrue();
        advance(Duration.ofHours(1));
        assertThat(registry.isFresh(TunnelType.HTTP, "calm-otter-42.test")).isTrue();
        assertThat(registry.bind(tunnel(TunnelType.HTTP, "calm-otter-42.test"), "other"))
                .isEqualTo(TunnelRegistry.Claim.BOUND);
    }

    @Test
    void onlyTheTunnelHoldingANameCanFreeIt() {
        Tunnel holder = tunnel(TunnelType.HTTP, "api.test");
        registry.bind(holder, "team");

        registry.unbind(tunnel(TunnelType.HTTP, "api.test"), "other", GRACE);

        assertThat(registry.find(TunnelType.HTTP, "api.test")).isSameAs(holder);
        assertThat(registry.wasRecentlyBound(TunnelType.HTTP, "api.test")).isFalse();
    }
}
