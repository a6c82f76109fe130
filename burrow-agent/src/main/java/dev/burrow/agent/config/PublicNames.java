package dev.burrow.agent.config;

import dev.burrow.protocol.HostnameRules;
import java.util.Locale;

/** The name a tunnel asks for, checked before it is asked for: what the edge would refuse, said in words. */
public final class PublicNames {
    private PublicNames() {
    }

    /** Why the edge would refuse this subdomain or hostname (either may be null), or null if it would not. */
    public static String problem(String subdomain, String hostname) {
        if (subdomain != null && !HostnameRules.isValidLabel(subdomain.toLowerCase(Locale.ROOT))) {
            return "subdomain '" + subdomain + "' is not a DNS label: " + HostnameRules.LABEL;
        }
        if (hostname != null && !HostnameRules.isValidHostname(hostname.toLowerCase(Locale.ROOT))) {
            return "hostname '" + hostname + "' is not a DNS name such as app.example.com: labels of "
                    + HostnameRules.LABEL + ", joined by dots";
        }
        return null;
    }
}
