package dev.burrow.edge.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.burrow.edge.AgentSession;
import dev.burrow.edge.Plan;
import dev.burrow.edge.Tunnel;
import dev.burrow.edge.observe.TunnelTraffic;
import dev.burrow.store.Account;
import dev.burrow.store.Domain;
import dev.burrow.store.ReservedName;
import dev.burrow.store.TokenRecord;
import dev.burrow.store.Usage;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Optional;

/**
 * The admin API's JSON: snake_case keys, times as ISO-8601 in UTC or null, and errors as
 * {@code {"error": {"code": ..., "message": ...}}}. Never a token's secret, but once, where it is made.
 */
final class AdminJson {
    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private AdminJson() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ObjectNode error(String code, String message) {
        ObjectNode node = object();
        ObjectNode error = node.putObject("error");
        error.put("code", code);
        error.put("message", message);
        return node;
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree always writes", e);
        }
    }

    static ObjectNode account(Account account) {
        ObjectNode node = object();
        node.put("name", account.name());
        node.put("plan", account.plan());
        node.put("enabled", account.enabled());
        node.put("created_at", account.createdAt().toString());
        time(node, "disabled_at", account.disabledAt());
        return node;
    }

    /** A plan's limits, null for no limit. */
    static ObjectNode plan(Plan plan) {
        ObjectNode node = object();
        node.put("name", plan.name());
        node.put("tunnels", plan.tunnels());
        node.put("tcp_ports", plan.tcpPorts());
        node.put("connections", plan.connections());
        node.put("requests_per_minute", plan.requestsPerMinute());
        node.put("bandwidth_per_month", plan.bandwidthPerMonth());
        return node;
    }

    static ObjectNode usage(Usage usage) {
        ObjectNode node = object();
        node.put("period", usage.period());
        node.put("requests", usage.requests());
        node.put("bytes_in", usage.bytesIn());
        node.put("bytes_out", usage.bytesOut());
        return node;
    }

    static ObjectNode reservedName(ReservedName name) {
        ObjectNode node = object();
        node.put("name", name.name());
        node.put("account", name.account());
        node.put("created_at", name.createdAt().toString());
        return node;
    }

    /** A domain with the TXT record that proves it, which stays shown once it did. */
    static ObjectNode domain(Domain domain) {
        ObjectNode node = object();
        node.put("domain", domain.name());
        node.put("account", domain.account());
        node.put("verified", domain.verified());
        node.put("created_at", domain.createdAt().toString());
        time(node, "verified_at", domain.verifiedAt());
        node.putObject("txt_record").put("name", domain.recordName()).put("value", domain.recordValue());
        return node;
    }

    static ObjectNode token(TokenRecord token, Instant now) {
        ObjectNode node = object();
        node.put("id", token.id());
        node.put("name", token.name());
        node.put("account", token.account());
        node.put("status", !token.active() ? "revoked" : token.scope().unexpired(now) ? "active" : "expired");
        ObjectNode scope = node.putObject("scope");
        token.scope().types().forEach(scope.putArray("types")::add);
        token.scope().names().forEach(scope.putArray("names")::add);
        time(scope, "expires_at", token.scope().expiresAt());
        node.put("created_at", token.createdAt().toString());
        time(node, "last_used_at", token.lastUsedAt());
        time(node, "revoked_at", token.revokedAt());
        return node;
    }

    /** A live session with its tunnels' figures summed: what its tunnels served since they were bound. */
    static ObjectNode session(AgentSession session, AdminEdge edge) {
        ObjectNode node = object();
        node.put("id", session.id());
        TokenRecord token = session.token();
        node.put("account", token.account());
        node.put("token", token.name());
        node.put("token_id", token.id());
        node.put("remote_addr", address(session.remoteAddress()));
        node.put("connected_at", String.valueOf(session.connectedAt()));
        long rtt = session.rttNanos();
        if (rtt >= 0) {
            node.put("rtt_ms", rtt / 1_000_000.0);
        } else {
            node.putNull("rtt_ms");
        }
        long exchanges = 0;
        long in = 0;
        long out = 0;
        var tunnels = node.putArray("tunnels");
        for (Tunnel tunnel : session.tunnels()) {
            TunnelTraffic.Figures figures = edge.traffic(tunnel);
            exchanges += figures.exchanges();
            in += figures.bytesIn();
            out += figures.bytesOut();
            tunnels.addObject().put("id", tunnel.id()).put("type", tunnel.type().wireName()).put("url", tunnel.url());
        }
        node.put("requests", exchanges);
        node.put("bytes_in", in);
        node.put("bytes_out", out);
        return node;
    }

    /** A bound tunnel and what it served since it was bound; requests are connections for TCP and TLS. */
    static ObjectNode tunnel(Tunnel tunnel, AdminEdge edge) {
        ObjectNode node = object();
        node.put("id", tunnel.id());
        node.put("type", tunnel.type().wireName());
        node.put("url", tunnel.url());
        node.put("account", tunnel.session().token().account());
        node.put("session", tunnel.session().id());
        TunnelTraffic.Figures figures = edge.traffic(tunnel);
        node.put("requests", figures.exchanges());
        node.put("bytes_in", figures.bytesIn());
        node.put("bytes_out", figures.bytesOut());
        node.put("open", figures.open());
        return node;
    }

    private static void time(ObjectNode node, String field, Optional<Instant> at) {
        if (at.isPresent()) {
            node.put(field, at.get().toString());
        } else {
            node.putNull(field);
        }
    }

    static String address(InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }
}
