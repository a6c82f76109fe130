package dev.burrow.edge.policy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.burrow.edge.HttpTunnel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A flood of denials writes a bounded number of log lines, and the next line written says how many were left out. */
class DenialLogTest {
    @Test
    void aBurstThenSoManyASecondAndTheLeftOutCounted() {
        AtomicLong nanos = new AtomicLong();
        DenialLog log = new DenialLog(nanos::get);

        int written = 0;
        for (int i = 0; i < 1000; i++) {
            if (log.admit() >= 0) {
                written++;
            }
        }
        nanos.addAndGet(1_000_000_000L);
        long skipped = log.admit();
        int inTheSecond = 1;
        while (log.admit() >= 0) {
            inTheSecond++;
        }

        assertThat(written).isEqualTo(DenialLog.BURST);
        assertThat(skipped).isEqualTo(1000 - DenialLog.BURST);
        assertThat(inTheSecond).isEqualTo(DenialLog.PER_SECOND);
    }

    @Test
    void aPolicyFloodedWithDenialsWritesABoundedNumberOfLines() throws PolicyException {
        TrafficPolicy policy = TrafficPolicy.compile("on_http_request: [{actions: [{type: deny}]}]");
        HttpTunnel tunnel = new HttpTunnel("t", "app.example.test", "http://app.example.test", false, false, null,
                new PolicySlot(policy));
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        Logger logger = (Logger) LoggerFactory.getLogger("dev.burrow.edge.policy");
        logger.addAppender(lines);
        try {
            for (int i = 0; i < 1000; i++) {
                policy.decide(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"), tunnel,
                        new InetSocketAddress("198.51.100.7", 1000 + i), Runnable::run, observer -> { })
                        .toCompletableFuture().join().release();
            }
        } finally {
            logger.detachAppender(lines);
        }

        assertThat(lines.list).hasSizeLessThan(1000).hasSizeGreaterThanOrEqualTo(DenialLog.BURST);
        assertThat(lines.list.get(0).getFormattedMessage()).isEqualTo("traffic policy denied a request");
    }
}
