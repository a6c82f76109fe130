package dev.burrow.jmh;

import dev.burrow.edge.AgentSession;
import dev.burrow.edge.Hostnames;
import dev.burrow.edge.Tunnel;
import dev.burrow.edge.TunnelRegistry;
import dev.burrow.edge.policy.PolicySlot;
import dev.burrow.edge.policy.TrafficPolicy;
import dev.burrow.protocol.TunnelType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Finding a request's tunnel on the edge: the Host header parsed to a hostname, then looked up in a registry that
 * holds 10,000 bound names. The hit is every routed request; the miss (with its check for a recently freed name)
 * is every request for a name nobody holds, which scanners send in bulk.
 *
 * <p>Each call makes its Host value afresh from bytes, as the HTTP decoder does for each request, because a String
 * reused across calls carries its hash with it and would make the lookup look cheaper than it is. {@link #hostString}
 * measures that step alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RoutingBenchmark {
    private static final int BOUND = 10_000;
    /** A power of two, so the next sample is a mask away; enough names that lookups do not share a few hot lines. */
    private static final int SAMPLES = 1024;
    private static final String DOMAIN = ".tunnels.example.net";

    private final byte[][] boundHosts = new byte[SAMPLES][];
    private final byte[][] unknownHosts = new byte[SAMPLES][];
    private TunnelRegistry registry;
    private int next;

    @Setup
    public void setUp() throws ReflectiveOperationException {
        // The registry's constructor and bind are package-private (only the edge makes one and claims names);
        // reflection here, in setup only, keeps the benchmark on the real registry without a class in its package.
        Constructor<TunnelRegistry> make = TunnelRegistry.class.getDeclaredConstructor();
        make.setAccessible(true);
        registry = make.newInstance();
        Method bind = TunnelRegistry.class.getDeclaredMethod("bind", Tunnel.class, String.class);
        bind.setAccessible(true);
        for (int i = 0; i < BOUND; i++) {
            Object claim = bind.invoke(registry, new BoundName(hostname(i)), "bench");
            if (!String.valueOf(claim).equals("BOUND")) {
                throw new IllegalStateException("name not bound (" + claim + "): " + hostname(i));
            }
        }
        // The shapes Host takes in practice: bare, with the port of a non-default listener, in a user's own
        // capitals, and (rarely) fully qualified with a trailing dot.
        for (int i = 0; i < SAMPLES; i++) {
            String name = hostname((int) ((i * 7919L) % BOUND));
            String host = switch (i % 4) {
                case 0, 1 -> name;
                case 2 -> name + ":8080";
                default -> (i % 8 == 3 ? name.toUpperCase(Locale.ROOT) : name + ".");
            };
            boundHosts[i] = host.getBytes(StandardCharsets.US_ASCII);
            unknownHosts[i] = ("nobody-" + i + DOMAIN).getBytes(StandardCharsets.US_ASCII);
            if (registry.find(TunnelType.HTTP, Hostnames.fromHostHeader(host)) == null) {
                throw new IllegalStateException("sample does not route: " + host);
            }
        }
    }

    private static String hostname(int i) {
        // Distinct names of a few lengths, so no lookup gains from sharing a shape with the others.
        return "app-" + Integer.toString(i * 7919 + 100_000, 36) + DOMAIN;
    }

    @Benchmark
    public String hostString() {
        return host(boundHosts);
    }

    @Benchmark
    public String parseHost() {
        return Hostnames.fromHostHeader(host(boundHosts));
    }

    /** Parse and lookup, as for every request that reaches a tunnel. */
    @Benchmark
    public Tunnel routeHit() {
        return registry.find(TunnelType.HTTP, Hostnames.fromHostHeader(host(boundHosts)));
    }

    /** Parse, lookup, and the offline check that tells "not connected right now" from "unknown". */
    @Benchmark
    public boolean routeMiss() {
        String hostname = Hostnames.fromHostHeader(host(unknownHosts));
        return registry.find(TunnelType.HTTP, hostname) != null || registry.wasRecentlyBound(TunnelType.HTTP, hostname);
    }

    private String host(byte[][] samples) {
        byte[] bytes = samples[next++ & (SAMPLES - 1)];
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** Only the route key matters to the registry; the edge's HTTP tunnel record is not visible from here. */
    private record BoundName(String routeKey) implements Tunnel {
        @Override
        public String id() {
            return routeKey;
        }

        @Override
        public TunnelType type() {
            return TunnelType.HTTP;
        }

        @Override
        public AgentSession session() {
            return null;
        }

        @Override
        public PolicySlot policySlot() {
            return new PolicySlot(TrafficPolicy.NONE);
        }

        @Override
        public String url() {
            return "http://" + routeKey;
        }
    }
}
