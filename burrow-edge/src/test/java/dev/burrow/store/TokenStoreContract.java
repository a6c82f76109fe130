package dev.burrow.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** What every database behind {@link JdbcStore} must do for tokens; one subclass per database. */
abstract class TokenStoreContract {

    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
    private static final String TOKEN_SHAPE = "brw_[0-9a-z]{12}_[A-Za-z0-9_-]{43}";

    private final MutableClock clock = new MutableClock(START);
    private JdbcStore store;
    private TokenStore tokens;

    /** A store over a fresh, empty database of the subclass's kind. */
    abstract JdbcStore openEmpty(MutableClock clock) throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = openEmpty(clock);
        tokens = store.tokens();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void issuedTokenVerifiesAndRecordsUse() {
        IssuedToken issued = tokens.create("laptop");
        clock.advance(Duration.ofMinutes(5));

        Optional<TokenRecord> verified = tokens.verify(issued.token());

        assertThat(issued.token()).matches(TOKEN_SHAPE).contains("_" + issued.record().id() + "_");
        assertThat(issued.record().name()).isEqualTo("laptop");
        assertThat(issued.record().createdAt()).isEqualTo(START);
        assertThat(issued.record().lastUsedAt()).isEmpty();
        assertThat(verified).hasValueSatisfying(record -> {
            assertThat(record.id()).isEqualTo(issued.record().id());
            assertThat(record.name()).isEqualTo("laptop");
            assertThat(record.active()).isTrue();
            assertThat(record.lastUsedAt()).contains(START.plus(Duration.ofMinutes(5)));
        });
        assertThat(tokens.list()).containsExactly(verified.get());
    }

    @Test
    void aPresentedTokensIdIsItsPublicPartWhetherOrNotItIsStored() {
        IssuedToken issued = tokens.create("laptop");

        assertThat(TokenStore.idOf(issued.token())).contains(issued.record().id());
        assertThat(TokenStore.idOf("brw_0123456789ab_" + "A".repeat(43))).contains("0123456789ab");
        assertThat(TokenStore.idOf("brw_notarealtoken_x")).isEmpty();
    }

    @Test
    void tokensAreUnique() {
        IssuedToken first = tokens.create("a");
        IssuedToken second = tokens.create("b");

        assertThat(first.record().id()).isNotEqualTo(second.record().id());
        assertThat(secretOf(first.token())).isNotEqualTo(secretOf(second.token()));
    }

    @Test
    void wrongSecretIsRejected() {
        String token = tokens.create("laptop").token();
        char last = token.charAt(token.length() - 1);
        String tampered = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');

        assertThat(tokens.verify(tampered)).isEmpty();
        assertThat(tokens.list()).singleElement().satisfies(record -> assertThat(record.lastUsedAt()).isEmpty());
    }

    @Test
    void secretOfAnotherTokenIsRejected() {
        IssuedToken first = tokens.create("a");
        IssuedToken second = tokens.create("b");
        String mixed = "brw_" + first.record().id() + "_" + secretOf(second.token());

        assertThat(tokens.verify(mixed)).isEmpty();
    }

    @Test
    void unknownIdIsRejected() {
        String token = tokens.create("laptop").token();
        String unknown = "brw_zzzzzzzzzzzz_" + secretOf(token);

        assertThat(tokens.verify(unknown)).isEmpty();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            "brw_",
            "not a token",
            "brw_abcdefghijkl",
            "brw_abcdefghijkl_",
            "brx_abcdefghijkl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "brw_ABCDEFGHIJKL_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "brw_abcdefghijk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "brw_abcdefghijkl-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "brw_abcdefghijkl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",
            "brw_abcdefghijkl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "brw_abcdefghijkl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "brw_abcdefghijkl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "brw_abcdefghijkl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAé",
    })
    void malformedTokensAreRejectedWithoutThrowing(String presented) {
        tokens.create("laptop");

        assertThat(tokens.verify(presented)).isEmpty();
    }

    @Test
    void malformedVariantsOfARealTokenAreRejected() {
        String token = tokens.create("laptop").token();

        assertThat(tokens.verify(" " + token)).isEmpty();
        assertThat(tokens.verify(token + "\n")).isEmpty();
        assertThat(tokens.verify(token.substring("brw_".length()))).isEmpty();
        assertThat(tokens.verify(token.toUpperCase())).isEmpty();
    }

    @Test
    void revokeByNameDisablesToken() {
        IssuedToken issued = tokens.create("laptop");
        clock.advance(Duration.ofHours(1));

        assertThat(tokens.revoke("laptop")).isTrue();

        assertThat(tokens.verify(issued.token())).isEmpty();
        assertThat(tokens.list()).singleElement().satisfies(record -> {
            assertThat(record.active()).isFalse();
            assertThat(record.revokedAt()).contains(START.plus(Duration.ofHours(1)));
        });
    }

    @Test
    void revokeByIdDisablesOnlyThatToken() {
        IssuedToken laptop = tokens.create("laptop");
        IssuedToken server = tokens.create("server");

        assertThat(tokens.revoke(laptop.record().id())).isTrue();

        assertThat(tokens.verify(laptop.token())).isEmpty();
        assertThat(tokens.verify(server.token())).isPresent();
    }

    @Test
    void revokeReportsWhetherAnActiveTokenMatched() {
        IssuedToken issued = tokens.create("laptop");

        assertThat(tokens.revoke("nobody")).isFalse();
        assertThat(tokens.revoke("laptop")).isTrue();
        assertThat(tokens.revoke("laptop")).isFalse();
        assertThat(tokens.revoke(issued.record().id())).isFalse();
    }

    @Test
    void revokePrefersIdOverName() {
        IssuedToken target = tokens.create("target");
        IssuedToken confusing = tokens.create(target.record().id());

        assertThat(tokens.revoke(target.record().id())).isTrue();

        assertThat(tokens.verify(target.token())).isEmpty();
        assertThat(tokens.verify(confusing.token())).isPresent();
    }

    @Test
    void listShowsAllTokensNewestFirst() {
        IssuedToken oldest = tokens.create("oldest");
        clock.advance(Duration.ofSeconds(1));
        IssuedToken middle = tokens.create("middle");
        clock.advance(Duration.ofSeconds(1));
        IssuedToken newest = tokens.create("newest");
        clock.advance(Duration.ofSeconds(1));
        tokens.revoke("middle");
        clock.advance(Duration.ofSeconds(1));
        tokens.verify(oldest.token());

        List<TokenRecord> listed = tokens.list();

        assertThat(listed).extracting(TokenRecord::name).containsExactly("newest", "middle", "oldest");
        assertThat(listed.get(0)).isEqualTo(newest.record());
        assertThat(listed.get(1)).isEqualTo(new TokenRecord(middle.record().id(), "middle", AccountStore.DEFAULT,
                TokenScope.ANY, START.plusSeconds(1), Optional.empty(), Optional.of(START.plusSeconds(3))));
        assertThat(listed.get(2)).isEqualTo(new TokenRecord(oldest.record().id(), "oldest", AccountStore.DEFAULT,
                TokenScope.ANY, START, Optional.of(START.plusSeconds(4)), Optional.empty()));
    }

    @Test
    void duplicateActiveNameIsRefused() {
        IssuedToken original = tokens.create("laptop");

        assertThatThrownBy(() -> tokens.create("laptop"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("'laptop'")
                .hasMessageContaining("already exists");
        assertThat(tokens.list()).containsExactly(original.record());
    }

    @Test
    void nameOfRevokedTokenCanBeReused() {
        IssuedToken original = tokens.create("laptop");
        tokens.revoke("laptop");
        clock.advance(Duration.ofSeconds(1));

        IssuedToken replacement = tokens.create("laptop");

        assertThat(tokens.verify(replacement.token())).isPresent();
        assertThat(tokens.verify(original.token())).isEmpty();
        assertThat(tokens.list()).extracting(TokenRecord::id)
                .containsExactly(replacement.record().id(), original.record().id());
    }

    @Test
    void blankOrOverlongNamesAreRefused() {
        assertThatThrownBy(() -> tokens.create(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokens.create(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokens.create("x".repeat(101))).isInstanceOf(IllegalArgumentException.class);
        assertThat(tokens.create("x".repeat(100)).record().name()).hasSize(100);
    }

    @Test
    void issuedTokenDoesNotPrintItsSecret() {
        IssuedToken issued = tokens.create("laptop");

        assertThat(issued.toString()).doesNotContain(secretOf(issued.token())).contains("laptop");
    }

    @Test
    void aTokenBelongsToItsAccountAndKeepsItsScope() {
        store.accounts().create("team", "pro");
        TokenScope scope = new TokenScope(List.of("http"), List.of("api", "pr-*"),
                Optional.of(START.plus(Duration.ofDays(1))));

        IssuedToken issued = tokens.create("team", "ci", scope);

        assertThat(tokens.verify(issued.token())).hasValueSatisfying(record -> {
            assertThat(record.account()).isEqualTo("team");
            assertThat(record.scope()).isEqualTo(scope);
        });
        assertThat(tokens.list()).singleElement().satisfies(record -> assertThat(record.scope()).isEqualTo(scope));
    }

    @Test
    void aTokenForAnUnknownAccountIsRefusedWithTheWayToMakeIt() {
        assertThatThrownBy(() -> tokens.create("nobody", "ci", TokenScope.ANY))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("no account 'nobody'")
                .hasMessageContaining("burrow edge account create nobody");
        assertThat(tokens.list()).isEmpty();
    }

    @Test
    void theDefaultAccountIsMadeForItsFirstToken() {
        tokens.create("laptop");

        assertThat(store.accounts().list()).extracting(Account::name).containsExactly(AccountStore.DEFAULT);
    }

    @Test
    void anExpiredTokenNoLongerVerifies() {
        IssuedToken issued = tokens.create(AccountStore.DEFAULT, "short",
                new TokenScope(List.of(), List.of(), Optional.of(START.plus(Duration.ofMinutes(10)))));
        assertThat(tokens.verify(issued.token())).isPresent();

        clock.advance(Duration.ofMinutes(10));

        assertThat(tokens.verify(issued.token())).isEmpty();
        assertThat(tokens.unusable(List.of(issued.record().id()))).containsEntry(issued.record().id(), "expired");
    }

    @Test
    void tokensOfADisabledAccountDoNotVerifyUntilItIsEnabledAgain() {
        store.accounts().create("team", "free");
        IssuedToken issued = tokens.create("team", "laptop", TokenScope.ANY);

        assertThat(store.accounts().disable("team")).isTrue();
        assertThat(tokens.verify(issued.token())).isEmpty();
        assertThat(tokens.unusable(List.of(issued.record().id())))
                .containsEntry(issued.record().id(), "account disabled");

        assertThat(store.accounts().enable("team")).isTrue();
        assertThat(tokens.verify(issued.token())).isPresent();
    }

    @Test
    void unusableNamesEachTokenThatMayNoLongerBeUsedAndWhy() {
        store.accounts().create("gone", "free");
        IssuedToken good = tokens.create("good");
        IssuedToken revoked = tokens.create("revoked");
        IssuedToken deleted = tokens.create("gone", "deleted", TokenScope.ANY);
        tokens.revoke("revoked");
        store.accounts().delete("gone");

        assertThat(tokens.unusable(List.of(good.record().id(), revoked.record().id(), deleted.record().id())))
                .containsOnly(entry(revoked.record().id(), "revoked"), entry(deleted.record().id(), "deleted"));
    }

    @Test
    void unusableChecksMoreIdsThanOneStatementTakes() {
        IssuedToken revoked = tokens.create("revoked");
        tokens.revoke("revoked");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 1_200; i++) {
            ids.add(String.format("zz%010d", i));
        }
        ids.add(revoked.record().id());

        assertThat(tokens.unusable(ids)).hasSize(1_201).containsEntry(revoked.record().id(), "revoked");
    }

    private static String secretOf(String token) {
        return token.substring("brw_".length() + 12 + 1);
    }
}
