package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.io.File;
import java.time.Duration;
import java.util.List;

/**
 * What a fault test checks after the fault, whatever the fault was: the test JVM holds no more open files than
 * before it (within {@link #FD_TOLERANCE}), and Netty's leak detector reported no buffer that was never released.
 * The surefire argLine runs every test at the detector's paranoid level, so every buffer is tracked; this class
 * only listens to what it says.
 */
final class FaultWatch implements AutoCloseable {
    /**
     * Descriptors the JVM may open for itself during a test and keep: jars of classes first loaded by the test
     * (the PostgreSQL driver, Netty's native transport, the JDK's HTTP client), the HTTP client's selector, which
     * closes only when the client is collected, and the logging appender's. A leak under load is a descriptor per
     * connection or per stream, hundreds in these tests, far above this.
     */
    static final int FD_TOLERANCE = 24;

    private final int openFilesBefore = openFiles();
    private final LogLines leaks = new LogLines(ResourceLeakDetector.class.getName());

    FaultWatch() {
        assertThat(ResourceLeakDetector.getLevel()).as("the leak detector's level (surefire's argLine)")
                .isEqualTo(ResourceLeakDetector.Level.PARANOID);
    }

    /** Open file descriptors of this JVM now. */
    static int openFiles() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    /** Waits for descriptors closed asynchronously (event loops, pools) to go, then checks for leaked buffers. */
    void assertClean() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(openFiles())
                .as("open files, %d before the test", openFilesBefore)
                .isLessThanOrEqualTo(openFilesBefore + FD_TOLERANCE));
        // The detector reports a leaked buffer once the buffer was collected and another is allocated after.
        System.gc();
        for (int i = 0; i < 100; i++) {
            ByteBuf probe = PooledByteBufAllocator.DEFAULT.buffer(16);
            probe.release();
        }
        List<ILoggingEvent> reported = leaks.events();
        assertThat(reported).as("Netty leak reports").extracting(ILoggingEvent::getFormattedMessage).isEmpty();
    }

    @Override
    public void close() {
        leaks.close();
    }
}
