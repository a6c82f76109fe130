package dev.burrow.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What every database behind {@link JdbcStore} must do for accounts; one subclass per database. */
abstract class AccountStoreContract {
    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

    private final MutableClock clock = new MutableClock(START);
    private JdbcStore store;
    private AccountStore accounts;

    abstract JdbcStore openEmpty(MutableClock clock) throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = openEmpty(clock);
        accounts = store.accounts();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aCreatedAccountIsFoundAndListedOldestFirst() {
        Account first = accounts.create("team", "pro");
        clock.advance(Duration.ofSeconds(1));
        accounts.create("other", "free");

        assertThat(first).isEqualTo(new Account("team", "pro", START, Optional.empty()));
        assertThat(accounts.find("team")).contains(first);
        assertThat(accounts.find("nobody")).isEmpty();
        assertThat(accounts.list()).extracting(Account::name).containsExactly("team", "other");
    }

    @Test
    void aSecondAccountOfTheSameNameIsRefused() {
        accounts.create("team", "free");

        assertThatThrownBy(() -> accounts.create("team", "pro"))
                .isInstanceOf(StoreException.class).hasMessage("an account named 'team' already exists");
        assertThat(accounts.find("team")).hasValueSatisfying(a -> assertThat(a.plan()).isEqualTo("free"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Team", "-team", "team name", "team_1",
        "x2345678901234567890123456789012345678901234567890123456789012345"})
    void badNamesAreRefused(String name) {
        assertThatThrownBy(() -> accounts.create(name, "free")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be 1 to 64 of a-z, 0-9 and '-'");
        assertThat(accounts.list()).isEmpty();
    }

    @Test
    void anAccountsPlanIsChangedAndAnUnknownAccountSaysSo() {
        accounts.create("team", "free");
        accounts.create("other", "free");

        assertThat(accounts.setPlan("team", "pro")).isTrue();
        assertThat(accounts.setPlan("team", "pro")).isTrue();
        assertThat(accounts.setPlan("nobody", "pro")).isFalse();

        assertThat(accounts.find("team")).hasValueSatisfying(a -> assertThat(a.plan()).isEqualTo("pro"));
        assertThat(accounts.find("other")).hasValueSatisfying(a -> assertThat(a.plan()).isEqualTo("free"));
        assertThat(accounts.find("nobody")).isEmpty();
        assertThatThrownBy(() -> accounts.setPlan("Team", "pro")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be 1 to 64 of a-z, 0-9 and '-'");
        assertThatThrownBy(() -> accounts.setPlan("team", " ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a plan's name must not be blank");
        assertThat(accounts.find("team")).hasValueSatisfying(a -> assertThat(a.plan()).isEqualTo("pro"));
    }

    @Test
    void disableAndEnableSayWhetherTheyChangedAnything() {
        accounts.create("team", "free");
        clock.advance(Duration.ofMinutes(1));

        assertThat(accounts.disable("team")).isTrue();
        assertThat(accounts.disable("team")).isFalse();
        assertThat(accounts.find("team")).hasValueSatisfying(a -> {
            assertThat(a.enabled()).isFalse();
            assertThat(a.disabledAt()).contains(START.plus(Duration.ofMinutes(1)));
        });
        assertThat(accounts.enable("team")).isTrue();
        assertThat(accounts.enable("team")).isFalse();
        assertThat(accounts.disable("nobody")).isFalse();
        assertThat(accounts.find("team")).hasValueSatisfying(a -> assertThat(a.enabled()).isTrue());
    }

    @Test
    void deletingAnAccountDeletesItsTokensAndNoOtherAccounts() {
        accounts.create("team", "free");
        accounts.create("other", "free");
        IssuedToken theirs = store.tokens().create("team", "laptop", TokenScope.ANY);
        IssuedToken kept = store.tokens().create("other", "server", TokenScope.ANY);

        assertThat(accounts.delete("team")).isTrue();
        assertThat(accounts.delete("team")).isFalse();

        assertThat(accounts.list()).extracting(Account::name).containsExactly("other");
        assertThat(store.tokens().verify(theirs.token())).isEmpty();
        assertThat(store.tokens().verify(kept.token())).isPresent();
        assertThat(store.tokens().list()).extracting(TokenRecord::name).containsExactly("server");
    }

    @Test
    void anAccountReservesNamesThatNoOtherAccountMayReserve() {
        accounts.create("team", "free");
        accounts.create("other", "free");

        ReservedName api = store.names().reserve("API.", "team");

        assertThat(api).isEqualTo(new ReservedName("api", "team", START));
        assertThat(store.names().reserve("api", "team")).isEqualTo(api);
        assertThatThrownBy(() -> store.names().reserve("api", "other")).isInstanceOf(StoreException.class)
                .hasMessage("'api' is reserved for account 'team'");
        assertThatThrownBy(() -> store.names().reserve("web", "nobody")).isInstanceOf(StoreException.class)
                .hasMessage("no account 'nobody'");
        store.names().reserve("v2.api", "other");
        assertThat(store.names().list()).extracting(ReservedName::name, ReservedName::account)
                .containsExactly(tuple("api", "team"), tuple("v2.api", "other"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-api", "api-", "a..b", "a_b", "api.*", "x.."})
    void aNameThatIsNotDnsLabelsIsRefused(String name) {
        accounts.create("team", "free");

        assertThatThrownBy(() -> store.names().reserve(name, "team")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a name");
    }

    @Test
    void releasingOrDeletingTheAccountFreesItsNames() {
        accounts.create("team", "free");
        store.names().reserve("api", "team");
        store.names().reserve("web", "team");

        assertThat(store.names().release("api")).isTrue();
        assertThat(store.names().release("api")).isFalse();
        accounts.delete("team");

        assertThat(store.names().list()).isEmpty();
    }

    @Test
    void usageAddsUpPerAccountAndMonthAndGoesWithTheAccount() {
        accounts.create("team", "free");
        accounts.create("other", "free");
        UsageStore usage = store.usage();

        usage.add(List.of(new Usage("team", "2025-01", 3, 100, 2_000), new Usage("other", "2025-01", 1, 1, 1)));
        usage.add(List.of(new Usage("team", "2025-01", 2, 50, 5_000_000_000L),
                new Usage("team", "2025-02", 1, 1, 1)));

        assertThat(usage.of("team", "2025-01")).isEqualTo(new Usage("team", "2025-01", 5, 150, 5_000_002_000L));
        assertThat(usage.of("team", "2024-12")).isEqualTo(new Usage("team", "2024-12", 0, 0, 0));
        assertThat(usage.in("2025-01")).extracting(Usage::account).containsExactly("other", "team");
        accounts.delete("team");
        assertThat(usage.in("2025-01")).extracting(Usage::account).containsExactly("other");
        assertThat(Usage.periodOf(Instant.parse("2025-02-28T23:59:59Z"))).isEqualTo("2025-02");
    }
}
