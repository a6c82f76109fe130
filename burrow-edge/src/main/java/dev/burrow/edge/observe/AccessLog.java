package dev.burrow.edge.observe;

import dev.burrow.edge.Tunnel;
import dev.burrow.protocol.TunnelType;
import dev.burrow.store.TokenRecord;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The edge's access log: one line per public HTTP request and per TCP or TLS connection, when it ends, to the logger
 * named {@value #LOGGER} so that an operator can send it apart from the edge's own log. Lines come in the edge's log
 * format (logfmt or JSON); the request target is cut at {@value #MAX_TARGET} characters, so a client cannot make a
 * line as long as its request line.
 */
public final class AccessLog implements ExchangeObserver {
    public static final String LOGGER = "access";
    static final int MAX_TARGET = 512;
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    @Override
    public void started(ExchangeRecord exchange) {
    }

    @Override
    public void ended(ExchangeRecord exchange) {
        if (!log.isInfoEnabled()) {
            return;
        }
        Tunnel tunnel = exchange.tunnel();
        TokenRecord token = tunnel == null ? null : tunnel.session().token();
        LoggingEventBuilder line = log.atInfo()
                .addKeyValue("proto", exchange.protocol().logName())
                .addKeyValue("tunnel", tunnel == null ? "-" : tunnel.url())
                .addKeyValue("account", token == null ? "-" : token.account())
                .addKeyValue("client", address(exchange.client()));
        if (exchange.tunnelType() == TunnelType.HTTP) {
            line = line.addKeyValue("method", orDash(exchange.method()))
                    .addKeyValue("host", orDash(exchange.host()))
                    .addKeyValue("path", bounded(exchange.target()))
                    .addKeyValue("status", exchange.status());
        }
        line = line.addKeyValue("bytes_in", exchange.bytesIn())
                .addKeyValue("bytes_out", exchange.bytesOut())
                .addKeyValue("duration_ms", exchange.durationNanos() / 1_000_000);
        if (!exchange.complete()) {
            line = line.addKeyValue("cut", true);
        }
        line.log(exchange.tunnelType() == TunnelType.HTTP ? "request" : "connection");
    }

    private static String address(InetSocketAddress address) {
        return address == null ? "-" : address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    private static String orDash(String value) {
        return value == null ? "-" : value;
    }

    private static String bounded(String target) {
        if (target == null) {
            return "-";
        }
        return target.length() <= MAX_TARGET ? target : target.substring(0, MAX_TARGET) + "...";
    }
}
