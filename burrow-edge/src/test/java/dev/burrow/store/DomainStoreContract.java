package dev.burrow.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every database behind {@link JdbcStore} must do for domains; one subclass per database. */
abstract class DomainStoreContract {
    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

    private final MutableClock clock = new MutableClock(START);
    private JdbcStore store;
    private DomainStore domains;

    abstract JdbcStore openEmpty(MutableClock clock) throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = openEmpty(clock);
        domains = store.domains();
        store.accounts().create("team", "free");
        store.accounts().create("other", "free");
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void anAddedDomainIsUnverifiedWithARandomChallengeAndIsFoundAndListed() {
        Domain added = domains.add("team", "App.Customer.com");
        Domain wildcard = domains.add("team", "*.customer.com");

        assertThat(added.name()).isEqualTo("app.customer.com");
        assertThat(added.account()).isEqualTo("team");
        assertThat(added.createdAt()).isEqualTo(START);
        assertThat(added.verified()).isFalse();
        assertThat(added.challenge()).matches("[A-Za-z0-9_-]{32}").isNotEqualTo(wildcard.challenge());
        assertThat(added.recordName()).isEqualTo("_burrow-challenge.app.customer.com");
        assertThat(added.recordValue()).isEqualTo("burrow-verify=" + added.challenge());
        assertThat(wildcard.recordName()).isEqualTo("_burrow-challenge.customer.com");
        assertThat(domains.find("app.customer.com")).contains(added);
        assertThat(domains.find("APP.customer.com")).contains(added);
        assertThat(domains.find("www.customer.com")).isEmpty();
        assertThat(domains.list()).containsExactly(wildcard, added);
    }

    @Test
    void listingByAccountShowsOnlyThatAccountsDomains() {
        Domain mine = domains.add("team", "app.customer.com");
        Domain theirs = domains.add("other", "shop.example.org");

        assertThat(domains.list("team")).containsExactly(mine);
        assertThat(domains.list("other")).containsExactly(theirs);
        assertThat(domains.list("nobody")).isEmpty();
    }

    @Test
    void aDomainAnotherAccountHoldsIsRefusedAndStaysItsOwn() {
        Domain held = domains.add("other", "app.customer.com");

        assertThatThrownBy(() -> domains.add("team", "app.customer.com"))
                .isInstanceOf(StoreException.class)
                .hasMessage("domain 'app.customer.com' belongs to account 'other'");
        assertThatThrownBy(() -> domains.add("other", "app.customer.com"))
                .isInstanceOf(StoreException.class)
                .hasMessage("account 'other' has domain 'app.customer.com' already");
        assertThat(domains.find("app.customer.com")).contains(held);
    }

    @Test
    void aDomainForAnAccountThatDoesNotExistIsRefused() {
        assertThatThrownBy(() -> domains.add("nobody", "app.customer.com"))
                .isInstanceOf(StoreException.class).hasMessageStartingWith("no account 'nobody'");
        assertThat(domains.list()).isEmpty();
    }

    @Test
    void namesThatAreNotDomainsAreRefused() {
        // One test over every name rather than one per name: each test costs PostgreSQL a new database.
        for (String name : List.of("", "com", "*.com", "app..customer.com", "-app.customer.com", "app.customer.com.",
                "a*.customer.com", "*.*.customer.com", "app.customer.com/x", "app_1.customer.com")) {
            assertThatThrownBy(() -> domains.add("team", name)).as(name).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("'" + name + "' is not a domain: give a hostname such as app.example.com, or"
                            + " *.example.com for the names one label below it");
        }
        assertThat(domains.list()).isEmpty();
    }

    @Test
    void markingVerifiedRecordsWhenOnceAndADomainStaysVerified() {
        domains.add("team", "app.customer.com");
        domains.add("team", "later.customer.com");
        clock.advance(Duration.ofMinutes(3));

        assertThat(domains.markVerified("app.customer.com")).isTrue();
        clock.advance(Duration.ofMinutes(1));
        assertThat(domains.markVerified("app.customer.com")).isFalse();
        assertThat(domains.markVerified("nobody.customer.com")).isFalse();

        assertThat(domains.find("app.customer.com")).hasValueSatisfying(d -> {
            assertThat(d.verified()).isTrue();
            assertThat(d.verifiedAt()).contains(START.plus(Duration.ofMinutes(3)));
        });
        assertThat(domains.unverified()).extracting(Domain::name).containsExactly("later.customer.com");
    }

    @Test
    void unverifiedDomainsComeOldestFirst() {
        domains.add("team", "zz.customer.com");
        clock.advance(Duration.ofSeconds(1));
        domains.add("other", "aa.example.org");

        assertThat(domains.unverified()).extracting(Domain::name).containsExactly("zz.customer.com", "aa.example.org");
    }

    @Test
    void aRemovedDomainIsGoneAndMayBeAddedAgainByAnyAccount() {
        Domain first = domains.add("other", "app.customer.com");
        domains.markVerified("app.customer.com");

        assertThat(domains.remove("app.customer.com")).isTrue();
        assertThat(domains.remove("app.customer.com")).isFalse();
        assertThat(domains.find("app.customer.com")).isEmpty();

        Domain again = domains.add("team", "app.customer.com");
        assertThat(again.verified()).isFalse();
        assertThat(again.challenge()).isNotEqualTo(first.challenge());
    }

    @Test
    void deletingAnAccountDeletesItsDomainsAndNoOthers() {
        domains.add("team", "app.customer.com");
        domains.add("team", "*.customer.com");
        Domain kept = domains.add("other", "shop.example.org");

        assertThat(store.accounts().delete("team")).isTrue();

        assertThat(domains.list()).containsExactly(kept);
        // A new account of the old name starts with nothing the old one proved.
        store.accounts().create("team", "free");
        assertThat(domains.list("team")).isEmpty();
        assertThat(domains.add("team", "app.customer.com").verifiedAt()).isEqualTo(Optional.empty());
    }
}
