package dev.burrow.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.edge.observe.ExchangeRecord;
import dev.burrow.store.JdbcStore;
import dev.burrow.store.Usage;
import dev.burrow.store.UsageStore;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The meter over a real SQLite store; each exchange's account is its Host, as a tunnel's would be. */
class UsageMeterTest {
    private static final Instant MAY_31_LATE = Instant.parse("2026-05-31T23:59:50Z");
    private static final InetSocketAddress VISITOR = new InetSocketAddress("127.0.0.1", 40000);

    @TempDir
    Path dataDir;
    JdbcStore store;
    MovableClock clock = new MovableClock(MAY_31_LATE);
    /** The real store, until a test makes it fail. */
    FlakyUsage usageStore;
    UsageMeter meter;

    @BeforeEach
    void setUp() {
        store = JdbcStore.openSqlite(dataDir);
        store.accounts().create("team", "free");
        store.accounts().create("shop", "free");
        usageStore = new FlakyUsage(store.usage());
        meter = new UsageMeter(usageStore, clock, ExchangeRecord::host);
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private static ExchangeRecord exchange(String account) {
        return new ExchangeRecord(ExchangeRecord.Protocol.HTTP_1_1, VISITOR, null, "GET", account, "/");
    }

    private void served(String account, long in, long out) {
        ExchangeRecord exchange = exchange(account);
        meter.started(exchange);
        exchange.received(in);
        exchange.sent(out);
        exchange.end(true);
        meter.ended(exchange);
    }

    @Test
    void requestsAndBytesReachTheStoreByAccountAndEachFlushAddsOnlyWhatIsNew() {
        served("team", 100, 1000);
        served("team", 50, 500);
        served("shop", 0, 7);
        meter.flush();
        served("team", 1, 2);
        meter.flush();
        meter.flush();

        assertThat(store.usage().of("team", "2026-05")).isEqualTo(new Usage("team", "2026-05", 3, 151, 1502));
        assertThat(store.usage().of("shop", "2026-05")).isEqualTo(new Usage("shop", "2026-05", 1, 0, 7));
    }

    @Test
    void aLongExchangeIsCountedAsItGoesAndNotTwiceWhenItEnds() {
        ExchangeRecord socket = exchange("team");
        meter.started(socket);
        socket.sent(4000);
        meter.flush();

        assertThat(store.usage().of("team", "2026-05").bytesOut()).isEqualTo(4000);
        assertThat(store.usage().of("team", "2026-05").requests()).isZero();
        assertThat(meter.bytesThisMonth("team")).isEqualTo(4000);

        socket.sent(1000);
        socket.received(10);
        socket.end(true);
        meter.ended(socket);
        meter.flush();

        assertThat(store.usage().of("team", "2026-05")).isEqualTo(new Usage("team", "2026-05", 1, 10, 5000));
    }

    @Test
    void openExchangesAreCountedPerAccountUntilTheyEnd() {
        ExchangeRecord first = exchange("team");
        ExchangeRecord second = exchange("team");
        meter.started(first);
        meter.started(second);
        meter.started(exchange("shop"));

        assertThat(meter.open("team")).isEqualTo(2);
        first.end(false);
        meter.ended(first);
        meter.ended(first);
        assertThat(meter.open("team")).isEqualTo(1);
        assertThat(meter.open("shop")).isEqualTo(1);
        assertThat(meter.open("nobody")).isZero();
    }

    @Test
    void anExchangeNoTunnelTookCountsForNoAccount() {
        ExchangeRecord stray = exchange(null);
        meter.started(stray);
        stray.end(true);
        meter.ended(stray);
        meter.flush();

        assertThat(store.usage().in("2026-05")).isEmpty();
    }

    @Test
    void whatTheStoreHeldThisMonthCountsTowardsTheMonthOnceTheAccountIsKnown() {
        store.usage().add(List.of(new Usage("team", "2026-05", 10, 2000, 3000), new Usage("team", "2026-04", 1,
                99_999, 0)));

        meter.know("team");
        served("team", 0, 500);
        meter.know("team");

        assertThat(meter.bytesThisMonth("team")).isEqualTo(5500);
    }

    @Test
    void aNewMonthStartsFromNothingAndTheLastSecondsCountForTheOldOne() {
        served("team", 0, 800);
        clock.advance(Duration.ofSeconds(20));

        assertThat(meter.bytesThisMonth("team")).isZero();
        meter.flush();
        served("team", 0, 30);
        meter.flush();

        assertThat(store.usage().of("team", "2026-05").bytesOut()).isEqualTo(800);
        assertThat(store.usage().of("team", "2026-06").bytesOut()).isEqualTo(30);
        assertThat(meter.bytesThisMonth("team")).isEqualTo(30);
    }

    @Test
    void usageTheStoreRefusedIsWrittenByALaterFlush() {
        served("team", 5, 5);
        usageStore.failing = true;
        meter.flush();
        served("team", 1, 1);
        meter.flush();

        assertThat(store.usage().of("team", "2026-05").requests()).isZero();
        usageStore.failing = false;
        meter.flush();
        meter.flush();
        assertThat(store.usage().of("team", "2026-05")).isEqualTo(new Usage("team", "2026-05", 2, 6, 6));
    }

    /** A clock a test moves. */
    static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** The real usage table, which refuses writes while {@code failing}, as a database that went away would. */
    static final class FlakyUsage implements UsageStore {
        private final UsageStore real;
        volatile boolean failing;

        FlakyUsage(UsageStore real) {
            this.real = real;
        }

        @Override
        public void add(Collection<Usage> deltas) {
            if (failing) {
                throw new IllegalStateException("database unavailable");
            }
            real.add(deltas);
        }

        @Override
        public Usage of(String account, String period) {
            return real.of(account, period);
        }

        @Override
        public List<Usage> in(String period) {
            return real.in(period);
        }
    }
}
