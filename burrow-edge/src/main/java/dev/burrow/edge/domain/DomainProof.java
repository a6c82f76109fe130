package dev.burrow.edge.domain;

import dev.burrow.store.Domain;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Looks for a domain's challenge record in DNS: whoever can make {@link Domain#recordName()} hold
 * {@link Domain#recordValue()} controls the domain's DNS, and so may route its names to the edge. Blocking for as
 * long as {@link TxtRecords} allows.
 */
public final class DomainProof {
    /** How many of the values found are named when none is the right one, and how much of each. */
    private static final int VALUES_SHOWN = 3;
    private static final int VALUE_LENGTH_SHOWN = 100;

    public enum Outcome {
        /** The record holds the challenge. */
        PROVEN,
        /** The name has no TXT record. */
        NO_RECORD,
        /** The name has TXT records, none holding the challenge. */
        WRONG_VALUE,
        /** DNS gave no answer; nothing is known of the record. */
        DNS_FAILED
    }

    /** What DNS said, and in words why that does or does not prove the domain. */
    public record Result(Outcome outcome, String reason) {
        public boolean proven() {
            return outcome == Outcome.PROVEN;
        }
    }

    private final TxtRecords dns;

    public DomainProof(TxtRecords dns) {
        this.dns = dns;
    }

    public Result check(Domain domain) {
        String record = domain.recordName();
        List<String> values;
        try {
            values = dns.of(record);
        } catch (TxtRecords.LookupFailed e) {
            return new Result(Outcome.DNS_FAILED, "could not look up the TXT record " + record + ": " + e.getMessage());
        }
        if (values.contains(domain.recordValue())) {
            return new Result(Outcome.PROVEN, "the TXT record " + record + " holds " + domain.recordValue());
        }
        if (values.isEmpty()) {
            return new Result(Outcome.NO_RECORD, "there is no TXT record " + record + " (asked " + dns.describe()
                    + ")");
        }
        String found = values.stream().limit(VALUES_SHOWN).map(DomainProof::shown)
                .collect(Collectors.joining(", ")) + (values.size() > VALUES_SHOWN ? ", ..." : "");
        return new Result(Outcome.WRONG_VALUE, "the TXT record " + record + " holds " + found + ", not \""
                + domain.recordValue() + "\"");
    }

    /**
     * Why {@code domain} is not verified, as its owner is told wherever they asked: what DNS said, and for a missing
     * record the value to create.
     */
    public static String notVerified(Domain domain, Result result) {
        String fix = result.outcome() == Outcome.NO_RECORD ? "; create it with the value " + domain.recordValue() : "";
        return "domain " + domain.name() + " is not verified: " + result.reason() + fix;
    }

    /** A value found, quoted, cut short if long: it is whatever the domain's DNS holds. */
    private static String shown(String value) {
        return "\"" + (value.length() > VALUE_LENGTH_SHOWN ? value.substring(0, VALUE_LENGTH_SHOWN) + "..." : value)
                + "\"";
    }
}
