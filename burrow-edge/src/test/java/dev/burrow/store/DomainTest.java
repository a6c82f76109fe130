package dev.burrow.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DomainTest {
    private static Domain domain(String name) {
        return new Domain(name, "team", "c", Instant.EPOCH, Optional.empty());
    }

    @Test
    void anExactDomainCoversItsOwnNameOnly() {
        Domain exact = domain("app.customer.com");

        assertThat(exact.covers("app.customer.com")).isTrue();
        assertThat(exact.covers("www.app.customer.com")).isFalse();
        assertThat(exact.covers("customer.com")).isFalse();
    }

    @Test
    void aWildcardCoversOneLabelBelowAndNeitherItsApexNorDeeperNames() {
        Domain wildcard = domain("*.customer.com");

        assertThat(wildcard.covers("app.customer.com")).isTrue();
        assertThat(wildcard.covers("customer.com")).isFalse();
        assertThat(wildcard.covers("a.b.customer.com")).isFalse();
        assertThat(wildcard.covers("app.othercustomer.com")).isFalse();
    }

    @Test
    void theDomainsThatCouldCoverANameAreItselfAndItsParentsWildcard() {
        assertThat(Domain.coveringNames("app.customer.com")).containsExactly("app.customer.com", "*.customer.com");
        // No wildcard of a top-level domain: *.com is not a domain anyone may add.
        assertThat(Domain.coveringNames("customer.com")).containsExactly("customer.com");
    }
}
