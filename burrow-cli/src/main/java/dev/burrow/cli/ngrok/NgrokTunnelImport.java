package dev.burrow.cli.ngrok;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.burrow.config.ConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One tunnel of an ngrok config file as the keys of a tunnel in {@code burrow.yml}: a version 2 tunnel definition
 * (also allowed under version 3's {@code tunnels:}), or a version 3 endpoint. Keys with no Burrow equivalent are
 * noted and left out; a key ngrok does not have refuses the file, as it would not be ngrok config.
 */
final class NgrokTunnelImport {
    /** Domains ngrok gives out: a name under one is asked for as a subdomain of the edge's domain. */
    private static final List<String> NGROK_DOMAINS = List.of(".ngrok.app", ".ngrok-free.app", ".ngrok.dev",
            ".ngrok-free.dev", ".ngrok.io", ".ngrok.pizza");
    /** Version 2 tunnel keys with no Burrow equivalent, and why. */
    private static final Map<String, String> TUNNEL_ONLY = Map.ofEntries(
            Map.entry("inspect", "Burrow records every HTTP tunnel's requests; turn that off with --inspect=false"),
            Map.entry("crt", "Burrow's edge holds the certificates (burrow edge --https-addr, ACME)"),
            Map.entry("key", "Burrow's edge holds the certificates (burrow edge --https-addr, ACME)"),
            Map.entry("client_cas", "Burrow checks client certificates on HTTP tunnels only (mutual_tls_cas)"),
            Map.entry("circuit_breaker", "write a circuit-breaker rule in traffic_policy (docs/policy.md)"),
            Map.entry("labels", "labeled tunnels are ngrok's edges, which Burrow has not"),
            Map.entry("metadata", "Burrow keeps no metadata on tunnels"),
            Map.entry("description", "Burrow keeps no description of tunnels"),
            Map.entry("websocket_tcp_converter", "Burrow has no WebSocket-to-TCP converter"),
            Map.entry("user_agent_filter", "write a deny rule on req.headers in traffic_policy (docs/policy.md)"),
            Map.entry("pooling_enabled", "Burrow lets one agent hold a name"),
            Map.entry("policy", "ngrok's older policy format; write it as traffic_policy"));
    /** Version 2 tunnel keys carried, in one way or another. */
    private static final Set<String> TUNNEL_CARRIED = Set.of("proto", "addr", "subdomain", "hostname", "domain",
            "host_header", "basic_auth", "auth", "schemes", "bind_tls", "remote_addr", "compression", "ip_restriction",
            "oauth", "oidc", "request_header", "response_header", "verify_webhook", "proxy_proto", "mutual_tls_cas",
            "traffic_policy", "app_protocol");
    private static final Set<String> ENDPOINT_KEYS = Set.of("name", "url", "upstream", "traffic_policy",
            "description", "metadata", "bindings", "pooling_enabled");
    private static final Set<String> UPSTREAM_KEYS = Set.of("url", "protocol", "proxy_protocol");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ImportNotes notes;

    NgrokTunnelImport(ImportNotes notes) {
        this.notes = notes;
    }

    /** A version 2 tunnel definition at {@code at}; null when it cannot be carried (noted). */
    ObjectNode tunnel(JsonNode ngrok, JsonPointer at) throws ConfigException {
        ObjectNode burrow = NODES.objectNode();
        checkKeys(ngrok, at, key -> TUNNEL_CARRIED.contains(key) || TUNNEL_ONLY.containsKey(key), "tunnel");
        copy(ngrok, "proto", burrow, "proto");
        copy(ngrok, "addr", burrow, "addr");
        if (ngrok.path("addr").asText("").startsWith("file://")) {
            notes.notCarried(at.appendProperty("addr"), "Burrow forwards to services, it does not serve files");
            return null;
        }
        copy(ngrok, "subdomain", burrow, "subdomain");
        for (String key : List.of("hostname", "domain")) {
            if (ngrok.hasNonNull(key)) {
                name(ngrok.get(key).asText(), at.appendProperty(key), burrow);
            }
        }
        copy(ngrok, "host_header", burrow, "host_header");
        copy(ngrok, "compression", burrow, "compression");
        copy(ngrok, "mutual_tls_cas", burrow, "mutual_tls_cas");
        copy(ngrok, "proxy_proto", burrow, "proxy_proto");
        copy(ngrok, "basic_auth", burrow, "basic_auth");
        if (ngrok.hasNonNull("auth")) {
            burrow.putArray("basic_auth").add(ngrok.get("auth").asText());
        }
        if ("http2".equals(ngrok.path("app_protocol").asText())) {
            burrow.put("upstream_protocol", burrow.path("addr").asText().startsWith("https://") ? "h2" : "h2c");
        }
        schemes(ngrok, at, burrow);
        if (ngrok.hasNonNull("remote_addr")) {
            tcpAddress(ngrok.get("remote_addr").asText(), at.appendProperty("remote_addr"), burrow);
        }
        JsonNode ips = ngrok.path("ip_restriction");
        copy(ips, "allow_cidrs", burrow, "cidr_allow");
        copy(ips, "deny_cidrs", burrow, "cidr_deny");
        signIn(ngrok, at, burrow);
        headers(ngrok.path("request_header"), burrow, "request_header");
        headers(ngrok.path("response_header"), burrow, "response_header");
        JsonNode webhook = ngrok.path("verify_webhook");
        copy(webhook, "provider", burrow, "verify_webhook");
        copy(webhook, "secret", burrow, "verify_webhook_secret");
        policy(ngrok, at, burrow);
        TUNNEL_ONLY.forEach((key, why) -> {
            if (ngrok.has(key)) {
                notes.notCarried(at.appendProperty(key), why);
            }
        });
        return burrow;
    }

    /** A version 3 endpoint at {@code at}; null when it cannot be carried (noted). */
    ObjectNode endpoint(JsonNode ngrok, JsonPointer at) throws ConfigException {
        checkKeys(ngrok, at, ENDPOINT_KEYS::contains, "endpoint");
        JsonNode upstream = ngrok.path("upstream");
        if (!upstream.isObject() || !upstream.hasNonNull("url")) {
            throw notes.refuse(at, "an endpoint needs upstream.url");
        }
        checkKeys(upstream, at.appendProperty("upstream"), UPSTREAM_KEYS::contains, "upstream");
        ObjectNode burrow = NODES.objectNode();
        String url = ngrok.path("url").asText("");
        URI parsed = uri(url.contains("://") ? url : "https://" + url);
        String scheme = parsed == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        String proto = switch (scheme) {
            case "http", "https" -> "http";
            case "tcp", "tls" -> scheme;
            default -> null;
        };
        if (proto == null) {
            notes.notCarried(at, "url '" + url + "' is not http, https, tcp or tls");
            return null;
        }
        burrow.put("proto", proto);
        burrow.put("addr", upstream.get("url").asText());
        String host = url.isEmpty() ? null : parsed.getHost();
        if (host != null && host.endsWith(".internal")) {
            notes.notCarried(at, "internal endpoints are ngrok's; Burrow's tunnels are public");
            return null;
        }
        if (proto.equals("tcp")) {
            if (host != null) {
                tcpAddress(parsed.getAuthority(), at.appendProperty("url"), burrow);
            }
        } else if (host != null) {
            name(host, at.appendProperty("url"), burrow);
        }
        if ("http2".equals(upstream.path("protocol").asText())) {
            burrow.put("upstream_protocol", burrow.get("addr").asText().startsWith("https://") ? "h2" : "h2c");
        }
        if (upstream.hasNonNull("proxy_protocol")) {
            burrow.put("proxy_proto", upstream.get("proxy_protocol").asText());
        }
        policy(ngrok, at, burrow);
        for (String key : List.of("description", "metadata", "bindings", "pooling_enabled")) {
            if (ngrok.has(key)) {
                notes.notCarried(at.appendProperty(key), key.equals("bindings")
                        ? "Burrow's tunnels are public" : "an ngrok endpoint setting Burrow has no equivalent of");
            }
        }
        return burrow;
    }

    private void checkKeys(JsonNode node, JsonPointer at, Predicate<String> known, String what)
            throws ConfigException {
        if (!node.isObject()) {
            throw notes.refuse(at, "an ngrok " + what + " is a mapping of its settings");
        }
        for (var keys = node.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!known.test(key)) {
                throw notes.refuse(at.appendProperty(key), "unknown key '" + key + "' (not an ngrok " + what
                        + " setting)");
            }
        }
    }

    /** A hostname: one of ngrok's domains becomes a subdomain of the edge's; wildcards are not carried. */
    private void name(String host, JsonPointer at, ObjectNode burrow) {
        String lower = host.toLowerCase(Locale.ROOT);
        if (lower.contains("*")) {
            notes.notCarried(at, "Burrow binds no wildcard names; a random name is asked for instead");
            return;
        }
        for (String domain : NGROK_DOMAINS) {
            if (lower.endsWith(domain) && lower.indexOf('.') == lower.length() - domain.length()) {
                String label = lower.substring(0, lower.length() - domain.length());
                notes.notCarried(at, host + " is under ngrok's domain; asked for as subdomain '" + label
                        + "' of your edge's domain");
                burrow.put("subdomain", label);
                return;
            }
        }
        burrow.remove("subdomain");
        burrow.put("hostname", host);
    }

    /** {@code host:port} of a TCP address: its port is asked for; ngrok's host is not the edge's. */
    private void tcpAddress(String address, JsonPointer at, ObjectNode burrow) {
        int colon = address.lastIndexOf(':');
        try {
            burrow.put("remote_port", Integer.parseInt(address.substring(colon + 1)));
            notes.notCarried(at, "the host " + address.substring(0, Math.max(colon, 0))
                    + " is ngrok's; only the port is asked for (remote_port)");
        } catch (NumberFormatException e) {
            notes.notCarried(at, "'" + address + "' has no port; any free port is asked for");
        }
    }

    /** ngrok's {@code schemes} (or the older {@code bind_tls}): Burrow serves both unless told to redirect. */
    private void schemes(JsonNode ngrok, JsonPointer at, ObjectNode burrow) {
        boolean http = true;
        boolean https = true;
        JsonPointer where = at.appendProperty("schemes");
        if (ngrok.path("schemes").isArray()) {
            http = false;
            https = false;
            for (JsonNode scheme : ngrok.get("schemes")) {
                http |= scheme.asText().equalsIgnoreCase("http");
                https |= scheme.asText().equalsIgnoreCase("https");
            }
        } else if (ngrok.has("bind_tls") && !"both".equals(ngrok.get("bind_tls").asText())) {
            where = at.appendProperty("bind_tls");
            https = ngrok.get("bind_tls").asBoolean();
            http = !https;
        }
        if (https && !http) {
            burrow.put("https_redirect", true);
            notes.notCarried(where, "Burrow answers plain HTTP with a redirect to HTTPS (https_redirect: true)"
                    + " rather than not at all");
        } else if (http && !https) {
            notes.notCarried(where, "Burrow serves a tunnel over HTTPS whenever its edge has a certificate");
        }
    }

    /** ngrok's {@code oauth} and {@code oidc} as the sign-in shorthands; Burrow needs an app of your own. */
    private void signIn(JsonNode ngrok, JsonPointer at, ObjectNode burrow) {
        for (String key : List.of("oauth", "oidc")) {
            JsonNode sign = ngrok.path(key);
            if (!sign.isObject()) {
                continue;
            }
            if (!sign.hasNonNull("client_id") || !sign.hasNonNull("client_secret")) {
                notes.notCarried(at.appendProperty(key), "Burrow signs visitors in with an OAuth app of your own:"
                        + " give client_id and client_secret (ngrok's managed app is ngrok's)");
                continue;
            }
            burrow.put("oauth", key.equals("oidc") ? "oidc" : sign.path("provider").asText());
            copy(sign, "issuer_url", burrow, "oidc_issuer");
            copy(sign, "client_id", burrow, "oauth_client_id");
            copy(sign, "client_secret", burrow, "oauth_client_secret");
            copy(sign, "allow_emails", burrow, "oauth_allow_email");
            copy(sign, "allow_domains", burrow, "oauth_allow_domain");
            if (sign.has("scopes")) {
                notes.notCarried(at.appendProperty(key).appendProperty("scopes"),
                        "Burrow asks the provider for the scopes sign-in needs");
            }
        }
    }

    /** {@code add} ("Name: value") and {@code remove} lists, as the header shorthands. */
    private static void headers(JsonNode ngrok, ObjectNode burrow, String prefix) {
        copy(ngrok, "add", burrow, prefix + "_add");
        copy(ngrok, "remove", burrow, prefix + "_remove");
    }

    private void policy(JsonNode ngrok, JsonPointer at, ObjectNode burrow) {
        if (ngrok.hasNonNull("traffic_policy")) {
            burrow.set("traffic_policy", NgrokPolicyImport.carry(ngrok.get("traffic_policy"),
                    at.appendProperty("traffic_policy"), notes));
        }
    }

    private static void copy(JsonNode from, String key, ObjectNode to, String as) {
        JsonNode value = from.path(key);
        if (value.isMissingNode() || value.isNull()) {
            return;
        }
        to.set(as, value.isContainerNode() || value.isBoolean() || as.equals("remote_port") ? value.deepCopy()
                : NODES.textNode(value.asText()));
    }

    private static URI uri(String text) {
        try {
            URI uri = new URI(text);
            return uri.getScheme() == null ? null : uri;
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
