package dev.burrow.edge.domain;

import dev.burrow.transport.HostPort;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import javax.naming.CommunicationException;
import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/**
 * Looks up DNS TXT records with the JDK's own DNS client (JNDI's {@code dns} provider), so the edge needs no DNS
 * library for the few look-ups proving domains take. Asks one server given as {@code HOST:PORT}, or the system's
 * (those of {@code /etc/resolv.conf}). Blocking, and bounded: each server gets {@link #TRIES} tries over UDP, the
 * first waiting {@link #FIRST_TIMEOUT_MILLIS}, each next one twice as long; a server that refuses the port (ICMP
 * unreachable) is not tried again.
 */
public final class TxtRecords {
    static final int FIRST_TIMEOUT_MILLIS = 1_000;
    static final int TRIES = 2;

    /** Null for the system's servers. */
    private final InetSocketAddress server;

    private TxtRecords(InetSocketAddress server) {
        this.server = server;
    }

    /** Look-ups at the DNS servers the system is configured with. */
    public static TxtRecords ofSystem() {
        return new TxtRecords(null);
    }

    /** Look-ups at one DNS server, or at the system's if {@code server} is null. */
    public static TxtRecords at(InetSocketAddress server) {
        return new TxtRecords(server);
    }

    /**
     * The TXT records of {@code name}, each the text of its strings joined: empty if the name has none or does not
     * exist.
     *
     * @throws LookupFailed if no server answered, or one answered with an error
     */
    public List<String> of(String name) throws LookupFailed {
        Hashtable<String, String> environment = new Hashtable<>();
        environment.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
        if (server != null) {
            environment.put(Context.PROVIDER_URL, "dns://" + HostPort.of(server));
        }
        environment.put("com.sun.jndi.dns.timeout.initial", Integer.toString(FIRST_TIMEOUT_MILLIS));
        environment.put("com.sun.jndi.dns.timeout.retries", Integer.toString(TRIES));
        DirContext context = null;
        try {
            context = new InitialDirContext(environment);
            // The trailing dot keeps the name absolute: never completed with a search domain.
            Attribute records = context.getAttributes(name + ".", new String[] {"TXT"}).get("TXT");
            List<String> texts = new ArrayList<>();
            if (records != null) {
                NamingEnumeration<?> values = records.getAll();
                while (values.hasMore()) {
                    texts.add(joined(values.next().toString()));
                }
            }
            return texts;
        } catch (NameNotFoundException e) {
            return List.of();
        } catch (CommunicationException e) {
            throw new LookupFailed(describe() + " did not answer (" + TRIES + " tries, "
                    + FIRST_TIMEOUT_MILLIS * ((1 << TRIES) - 1) / 1000 + " s at most)", e);
        } catch (NamingException e) {
            throw new LookupFailed(describe() + " answered with an error: " + e.getExplanation(), e);
        } finally {
            close(context);
        }
    }

    /** Which servers are asked, as a message names them. */
    public String describe() {
        return server == null ? "the system's DNS servers" : "DNS server " + HostPort.of(server);
    }

    /**
     * A record's strings put back together, as a DNS host that splits a long value into strings means them. JNDI
     * gives them separated by spaces, each quoted if empty or holding a space, quote or backslash, those two escaped
     * with a backslash.
     */
    static String joined(String text) {
        StringBuilder value = new StringBuilder(text.length());
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                value.append(text.charAt(++i));
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c != ' ' || quoted) {
                value.append(c);
            }
        }
        return value.toString();
    }

    private static void close(DirContext context) {
        if (context != null) {
            try {
                context.close();
            } catch (NamingException e) {
                // Nothing is held open between look-ups: there is nothing left to free.
            }
        }
    }

    /** A look-up that got no usable answer: what DNS did, in words. */
    public static final class LookupFailed extends Exception {
        LookupFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
