package dev.burrow.edge.proxy;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The client an HTTP request comes from as the edge's rules see it: its peer (the PROXY header's client, where one is
 * trusted), unless that peer is one of the edge's trusted proxies; then the nearest address in its
 * {@code X-Forwarded-For} list, read from the right, that is not a trusted proxy too. Only the entries trusted
 * proxies appended are believed: the list's left part is the client's to write, so it is never read past the first
 * address that is not a trusted proxy's.
 *
 * <p>The port of a forwarded client is unknown, so 0.
 */
public final class ForwardedClient {
    /** How many entries are read from the right at most: a chain of proxies is short, a forged list need not be. */
    static final int MAX_HOPS = 16;
    private static final String X_FORWARDED_FOR = "x-forwarded-for";

    private ForwardedClient() {
    }

    public static InetSocketAddress of(HttpHeaders headers, InetSocketAddress peer, List<Cidr> trustedProxies) {
        if (trustedProxies.isEmpty() || !Cidr.anyContains(trustedProxies, peer.getAddress())) {
            return peer;
        }
        List<String> entries = new ArrayList<>();
        for (String value : headers.getAll(X_FORWARDED_FOR)) {
            for (String entry : value.split(",", -1)) {
                entries.add(entry);
            }
        }
        InetSocketAddress nearest = peer;
        for (int i = entries.size() - 1; i >= 0 && i >= entries.size() - MAX_HOPS; i--) {
            InetAddress address = address(entries.get(i).strip());
            if (address == null) {
                // Not an address a proxy would write: stop at the last hop that is known.
                return nearest;
            }
            nearest = new InetSocketAddress(address, 0);
            if (!Cidr.anyContains(trustedProxies, address)) {
                return nearest;
            }
        }
        return nearest;
    }

    /** An IP address as proxies write it: bare, {@code 192.0.2.7:1234}, or {@code [2001:db8::1]:1234}; else null. */
    private static InetAddress address(String entry) {
        String ip = entry;
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            ip = close < 0 ? "" : entry.substring(1, close);
        } else if (entry.indexOf(':') > 0 && entry.indexOf(':') == entry.lastIndexOf(':')) {
            ip = entry.substring(0, entry.indexOf(':'));
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(ip);
        if (bytes == null || ip.contains("%")) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
