package dev.burrow.edge.admin;

import java.net.InetSocketAddress;

/**
 * How an operator watches an edge: the admin listener (its address, or null for none; its token, or null to make
 * one in the data directory), whether {@code /metrics} needs the token, and whether the access log is written.
 */
public record OperatorSettings(InetSocketAddress adminAddress, String adminToken, boolean metricsPublic,
                               boolean accessLog) {
    /** No admin listener and no access log: what an edge started as a library has unless told otherwise. */
    public static final OperatorSettings NONE = new OperatorSettings(null, null, false, false);

    public OperatorSettings {
        if (adminToken != null && adminToken.isBlank()) {
            throw new IllegalArgumentException("an admin token cannot be blank");
        }
    }

    /** With the admin listener on {@code address}. */
    public OperatorSettings withAdmin(InetSocketAddress address, String token) {
        return new OperatorSettings(address, token, metricsPublic, accessLog);
    }

    public OperatorSettings withMetricsPublic(boolean open) {
        return new OperatorSettings(adminAddress, adminToken, open, accessLog);
    }

    public OperatorSettings withAccessLog(boolean on) {
        return new OperatorSettings(adminAddress, adminToken, metricsPublic, on);
    }

    // Keeps the token out of logs that print the settings.
    @Override
    public String toString() {
        return "OperatorSettings[adminAddress=" + adminAddress + ", adminToken=" + (adminToken == null ? null
                : "<redacted>") + ", metricsPublic=" + metricsPublic + ", accessLog=" + accessLog + "]";
    }
}
