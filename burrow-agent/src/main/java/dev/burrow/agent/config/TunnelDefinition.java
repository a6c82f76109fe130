package dev.burrow.agent.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.agent.ProxyProtocol;
import dev.burrow.agent.TcpTunnelOptions;
import dev.burrow.agent.TlsTunnelOptions;
import dev.burrow.agent.TunnelOptions;
import dev.burrow.agent.Upstream;
import dev.burrow.protocol.TunnelType;
import dev.burrow.agent.UpstreamProtocol;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * One named tunnel in {@code burrow.yml}, as {@code burrow start NAME} runs it. Checked whole when read, so a
 * mistake is reported with its line before anything connects: the type is known, the upstream parses, and only the
 * settings of that type are given.
 *
 * @param proto the tunnel type: {@code http}, {@code tcp} or {@code tls}
 * @param addr the local service, as on the command line ({@code 8080}, {@code host:port}, {@code https://...})
 * @param subdomain http and tls: ask for {@code NAME.<edge domain>}
 * @param hostname http and tls: ask for this full hostname
 * @param hostHeader http: {@code rewrite}, or a value for the Host header sent upstream
 * @param upstreamInsecure http: do not check an https upstream's certificate
 * @param remotePort tcp: ask for this public port
 * @param httpsRedirect http: the edge answers plain HTTP with a redirect to HTTPS
 * @param upstreamProtocol http: {@code http1} (the default), {@code h2c} or {@code h2}
 * @param forwarded http: the edge adds an RFC 7239 {@code Forwarded} header
 * @param proxyProto tcp and tls: a PROXY protocol header of this version (1 or 2) before each connection's bytes
 * @param trafficPolicy all: the tunnel's traffic policy, inline (docs/policy.md); the edge enforces it. Compiled
 *     where the tunnel is started or checked ({@code burrow start}, {@code burrow config check}), not here
 * @param shorthands the keys that stand for common rules, as the flags of {@code burrow http} do
 *     ({@code basic_auth}, {@code cidr_allow}, ...; only the CIDR ones for tcp and tls): read from the tunnel's own
 *     mapping, they become rules ahead of {@code trafficPolicy}'s
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TunnelDefinition(String proto, String addr, String subdomain, String hostname, String hostHeader,
                               Boolean upstreamInsecure, Integer remotePort, Boolean httpsRedirect,
                               String upstreamProtocol, Boolean forwarded, String proxyProto,
                               JsonNode trafficPolicy, @JsonUnwrapped PolicyShorthands shorthands) {
    /**
     * Every key a tunnel may have. Jackson does not refuse unknown keys beside an unwrapped part, so the readers of
     * a tunnel check against this ({@link #unknownKey}).
     */
    public static final Set<String> KEYS = keys();

    /** A shorthand as a key: {@code basic_auth} for {@code --basic-auth}. */
    public static final UnaryOperator<String> YAML_SPELLING = name -> name.replace('-', '_');

    public TunnelDefinition {
        shorthands = shorthands == null ? PolicyShorthands.NONE : shorthands;
        if (proto == null) {
            throw new IllegalArgumentException("a tunnel needs 'proto': http, tcp or tls");
        }
        if (addr == null || addr.isBlank()) {
            throw new IllegalArgumentException("a tunnel needs 'addr': the local service, such as 8080");
        }
        List<String> misplaced = new ArrayList<>();
        switch (proto) {
            case "http" -> {
                addIfSet(misplaced, "remote_port", remotePort);
                addIfSet(misplaced, "proxy_proto", proxyProto);
                if (subdomain != null && hostname != null) {
                    throw new IllegalArgumentException("give 'subdomain' or 'hostname', not both");
                }
            }
            case "tcp" -> {
                addIfSet(misplaced, "subdomain", subdomain);
                addIfSet(misplaced, "hostname", hostname);
                addIfSet(misplaced, "host_header", hostHeader);
                addIfSet(misplaced, "upstream_insecure", upstreamInsecure);
                addIfSet(misplaced, "https_redirect", httpsRedirect);
                addIfSet(misplaced, "upstream_protocol", upstreamProtocol);
                addIfSet(misplaced, "forwarded", forwarded);
            }
            case "tls" -> {
                addIfSet(misplaced, "remote_port", remotePort);
                addIfSet(misplaced, "host_header", hostHeader);
                addIfSet(misplaced, "upstream_insecure", upstreamInsecure);
                addIfSet(misplaced, "https_redirect", httpsRedirect);
                addIfSet(misplaced, "upstream_protocol", upstreamProtocol);
                addIfSet(misplaced, "forwarded", forwarded);
                if (subdomain != null && hostname != null) {
                    throw new IllegalArgumentException("give 'subdomain' or 'hostname', not both");
                }
            }
            default -> throw new IllegalArgumentException("unknown proto '" + proto + "': http, tcp or tls");
        }
        if (!misplaced.isEmpty()) {
            throw new IllegalArgumentException(String.join(", ", misplaced) + " cannot be used with proto " + proto);
        }
        // Checked as the edge will check them, so that a name it would refuse is reported with its line.
        String nameProblem = PublicNames.problem(subdomain, hostname);
        if (nameProblem != null) {
            throw new IllegalArgumentException(nameProblem);
        }
        // Parsed here so that a bad address is reported with its line, not when the tunnel starts.
        toOptions(proto, addr, subdomain, hostname, hostHeader, upstreamInsecure, remotePort, httpsRedirect,
                upstreamProtocol, forwarded, proxyProto, null);
        if (trafficPolicy != null && !trafficPolicy.isObject()) {
            throw new IllegalArgumentException("traffic_policy must be a mapping of phases to rules");
        }
        // Made here so that a missing part or a bad value is reported with its line.
        shorthandRules(proto, shorthands);
    }

    /** The first key of {@code tunnel} (its mapping as read) that no tunnel has, or null. */
    public static String unknownKey(JsonNode tunnel) {
        for (var keys = tunnel.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!KEYS.contains(key)) {
                return key;
            }
        }
        return null;
    }

    private static Set<String> keys() {
        PropertyNamingStrategies.NamingBase snake = (PropertyNamingStrategies.NamingBase)
                PropertyNamingStrategies.SNAKE_CASE;
        Set<String> keys = new TreeSet<>(PolicyShorthands.KEYS);
        for (RecordComponent component : TunnelDefinition.class.getRecordComponents()) {
            if (component.getType() != PolicyShorthands.class) {
                keys.add(snake.translate(component.getName()));
            }
        }
        return Set.copyOf(keys);
    }

    private static List<PolicyShorthands.Rule> shorthandRules(String proto, PolicyShorthands shorthands) {
        return shorthands.rules(TunnelType.fromWire(proto), YAML_SPELLING, Path.of(""));
    }

    /** What the agent binds for this tunnel. */
    public TunnelOptions toOptions() {
        return toOptions(proto, addr, subdomain, hostname, hostHeader, upstreamInsecure, remotePort, httpsRedirect,
                upstreamProtocol, forwarded, proxyProto, policyText());
    }

    /** Whether {@code other} is this tunnel with another traffic policy only, which the edge can swap in place. */
    public boolean differsOnlyInPolicy(TunnelDefinition other) {
        return other != null && !Objects.equals(policyText(), other.policyText())
                && withoutPolicy().equals(other.withoutPolicy());
    }

    private TunnelDefinition withoutPolicy() {
        return new TunnelDefinition(proto, addr, subdomain, hostname, hostHeader, upstreamInsecure, remotePort,
                httpsRedirect, upstreamProtocol, forwarded, proxyProto, null, PolicyShorthands.NONE);
    }

    /** The shorthands' rules, then the inline traffic policy's, as the text a bind carries (JSON); or null. */
    public String policyText() {
        return shorthands.policyText(TunnelType.fromWire(proto), trafficPolicy, YAML_SPELLING, Path.of(""));
    }

    private static TunnelOptions toOptions(String proto, String addr, String subdomain, String hostname,
                                           String hostHeader, Boolean upstreamInsecure, Integer remotePort,
                                           Boolean httpsRedirect, String upstreamProtocol, Boolean forwarded,
                                           String proxyProto, String policy) {
        Upstream upstream = Upstream.parse(addr);
        ProxyProtocol proxy = proxyProto == null ? ProxyProtocol.OFF : ProxyProtocol.version(proxyProto);
        if (proto.equals("tcp")) {
            return new TcpTunnelOptions(upstream, remotePort, proxy, policy);
        }
        if (proto.equals("tls")) {
            return new TlsTunnelOptions(upstream, subdomain, hostname, proxy, policy);
        }
        return new HttpTunnelOptions(upstream, subdomain, hostname, hostHeader, !Boolean.TRUE.equals(upstreamInsecure),
                Boolean.TRUE.equals(httpsRedirect), Boolean.TRUE.equals(forwarded),
                upstreamProtocol == null ? UpstreamProtocol.HTTP1 : UpstreamProtocol.parse(upstreamProtocol), policy);
    }

    private static void addIfSet(List<String> names, String name, Object value) {
        if (value != null) {
            names.add(name);
        }
    }
}
