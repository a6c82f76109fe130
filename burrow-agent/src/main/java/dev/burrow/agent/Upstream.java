package dev.burrow.agent;

import java.net.URI;
import java.util.Locale;

/**
 * Where an HTTP tunnel's requests go: {@code 8080}, {@code localhost:8080}, {@code 192.168.1.5:80},
 * {@code http://host:port} or {@code https://host:port} (upstream certificate checked unless told otherwise).
 */
public record Upstream(String host, int port, boolean tls) {
    public Upstream {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("upstream port out of range: " + port);
        }
    }

    public static Upstream parse(String spec) {
        String s = spec.trim();
        if (s.matches("\\d+")) {
            return new Upstream("localhost", Integer.parseInt(s), false);
        }
        String lower = s.toLowerCase(Locale.ROOT);
        boolean https = lower.startsWith("https://");
        if (!lower.startsWith("http://") && !https) {
            s = "http://" + s;
        }
        URI uri;
        try {
            uri = URI.create(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an upstream address: '" + spec + "' (try 8080, host:port or "
                    + "https://host:port)");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("not an upstream address: '" + spec + "' (try 8080, host:port or "
                    + "https://host:port)");
        }
        if (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/")) {
            throw new IllegalArgumentException("an upstream address has no path: '" + spec + "'");
        }
        int port = uri.getPort() != -1 ? uri.getPort() : (https ? 443 : 80);
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        return new Upstream(host, port, https);
    }

    /** As users write it: {@code http://localhost:8080}. */
    @Override
    public String toString() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return (tls ? "https://" : "http://") + h + ":" + port;
    }
}
