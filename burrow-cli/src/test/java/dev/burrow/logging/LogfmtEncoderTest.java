package dev.burrow.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class LogfmtEncoderTest {

    private final CapturedLog log = new CapturedLog(new LogfmtEncoder());

    /** Everything after the timestamp, which is checked separately because it depends on the clock. */
    private String lineWithoutTime() {
        String text = log.text();
        assertThat(text).matches("t=\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z [^\n]*\n");
        return text.substring(text.indexOf(' ') + 1);
    }

    @Test
    void printsKeyValuePairsFromFluentApiAfterMessage() {
        log.logger("dev.burrow.edge.Edge").atInfo()
                .addKeyValue("name", "calm-otter-42")
                .addKeyValue("url", "http://calm-otter-42.example.test")
                .addKeyValue("port", 8080)
                .log("tunnel started");

        assertThat(lineWithoutTime()).isEqualTo(
                "lvl=info logger=Edge msg=\"tunnel started\" name=calm-otter-42"
                        + " url=http://calm-otter-42.example.test port=8080\n");
    }

    @Test
    void formatsTimestampAsUtcWithMilliseconds() {
        ch.qos.logback.classic.Logger logger = log.logbackLogger("dev.burrow.edge.Edge");
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.WARN, "slow", null, null);
        event.setInstant(Instant.parse("2026-11-25T19:20:01.100Z"));

        assertThat(LogfmtEncoder.format(event))
                .isEqualTo("t=2026-11-25T19:20:01.100Z lvl=warn logger=Edge msg=slow\n");
    }

    @Test
    void quotesAndEscapesValuesThatWouldBreakTheLine() {
        log.logger("x").atInfo()
                .addKeyValue("empty", "")
                .addKeyValue("space", "a b")
                .addKeyValue("quote", "say \"hi\"")
                .addKeyValue("equals", "a=b")
                .addKeyValue("newline", "one\ntwo\r\n")
                .addKeyValue("tab", "a\tb")
                .addKeyValue("backslashQuoted", "C:\\dir name")
                .addKeyValue("backslashBare", "C:\\dir")
                .addKeyValue("control", "bell\u0007")
                .addKeyValue("unicode", "héllo→")
                .addKeyValue("nothing", (Object) null)
                .log("m");

        assertThat(lineWithoutTime()).isEqualTo("lvl=info logger=x msg=m"
                + " empty=\"\""
                + " space=\"a b\""
                + " quote=\"say \\\"hi\\\"\""
                + " equals=\"a=b\""
                + " newline=\"one\\ntwo\\r\\n\""
                + " tab=\"a\\tb\""
                + " backslashQuoted=\"C:\\\\dir name\""
                + " backslashBare=C:\\dir"
                + " control=\"bell\\u0007\""
                + " unicode=héllo→"
                + " nothing=null\n");
    }

    @Test
    void replacesCharactersInKeysThatCannotBeQuoted() {
        log.logger("x").atInfo().addKeyValue("a key=\"x\"", 1).addKeyValue("", 2).log("m");

        assertThat(lineWithoutTime()).isEqualTo("lvl=info logger=x msg=m a_key__x_=1 _=2\n");
    }

    @Test
    void substitutesMessageArguments() {
        log.logger("x").warn("retry {} of {}", 2, 5);

        assertThat(lineWithoutTime()).isEqualTo("lvl=warn logger=x msg=\"retry 2 of 5\"\n");
    }

    @Test
    void putsExceptionMessageInErrAndWholeStackOnTheSameLine() {
        Exception failure = new IOException("connection refused", new IllegalStateException("inner"));
        log.logger("dev.burrow.agent.Agent").atError().addKeyValue("attempt", 3).setCause(failure).log("dial failed");

        String line = lineWithoutTime();
        assertThat(line).startsWith(
                "lvl=error logger=Agent msg=\"dial failed\" attempt=3 err=\"connection refused\" stack=\"");
        assertThat(line).contains("java.io.IOException: connection refused\\n\\tat dev.burrow.logging.LogfmtEncoderTest");
        assertThat(line).contains("\\nCaused by: java.lang.IllegalStateException: inner");
        assertThat(line).endsWith("\"\n");
        assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
    }

    @Test
    void fallsBackToExceptionClassNameWhenThereIsNoMessage() {
        log.logger("x").error("boom", new NullPointerException());

        assertThat(lineWithoutTime()).startsWith("lvl=error logger=x msg=boom err=NullPointerException stack=");
    }
}
