package dev.burrow.edge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The dashboard's login cookie as the admin server reads it from a browser's {@code Cookie} headers: any headers give
 * a value or none, and a value the edge never issued finds no operator session, while the one it issued still does.
 */
class AdminSessionCookieFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void onlyAnIssuedCookieFindsASession(FuzzedDataProvider data) {
        OperatorSessions sessions = new OperatorSessions(System::nanoTime);
        OperatorSessions.Opened opened = sessions.open();
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        try {
            while (data.remainingBytes() > 0) {
                request.headers().add("cookie", data.consumeString(300));
            }
        } catch (IllegalArgumentException notAHeaderNettyWouldDecode) {
            return;
        }
        String value = SessionCookie.read(request);
        if (value != null && !value.equals(opened.id())) {
            assertThat(sessions.find(value)).isNull();
        }
        assertThat(sessions.find(opened.id())).isSameAs(opened.session());
    }
}
