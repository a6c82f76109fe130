package dev.burrow.agent;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class UpstreamFailureLogTest {
    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final UpstreamFailureLog failures = new UpstreamFailureLog(nanos::get);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(UpstreamFailureLog.class);

    @BeforeEach
    void listen() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(lines);
    }

    private List<String> logged() {
        return lines.list.stream().map(e -> e.getFormattedMessage() + " " + e.getKeyValuePairs()).toList();
    }

    @Test
    void aDeadUpstreamUnderLoadGetsALineASecondThatCountsWhatItHeldBack() {
        for (int i = 0; i < 50; i++) {
            failures.failed("http://localhost:3000", ExchangeFailure.UNREACHABLE, 502, "GET /" + i, "refused");
        }
        nanos.addAndGet(1_000_000_000L);
        failures.failed("http://localhost:3000", ExchangeFailure.UNREACHABLE, 502, "GET /late", "refused");

        assertThat(logged()).hasSize(2);
        assertThat(logged().get(0)).contains("request=\"GET /0\"").doesNotContain("more_like_it");
        assertThat(logged().get(1)).contains("request=\"GET /late\"", "more_like_it=\"49\"");
    }

    @Test
    void eachUpstreamAndKindOfFailureHasItsOwnLine() {
        failures.failed("http://localhost:3000", ExchangeFailure.UNREACHABLE, 502, "GET /", "refused");
        failures.failed("http://localhost:3000", ExchangeFailure.TIMED_OUT, 504, "GET /", "slow");
        failures.failed("http://localhost:4000", ExchangeFailure.UNREACHABLE, 502, "GET /", "refused");

        assertThat(logged()).hasSize(3);
    }
}
