package dev.burrow.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.protocol.HostnameRules;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class HostnamesTest {

    @ParameterizedTest
    @CsvSource({
            "app.burrow.test, app.burrow.test",
            "App.Burrow.TEST, app.burrow.test",
            "app.burrow.test:8080, app.burrow.test",
            "app.burrow.test:1, app.burrow.test",
            "app.burrow.test:65535, app.burrow.test",
            "app.burrow.test., app.burrow.test",
            "app.burrow.test.:80, app.burrow.test",
            "localhost, localhost",
            "localhost:3000, localhost",
            "calm-otter-42.burrow.test, calm-otter-42.burrow.test",
    })
    void fromHostHeaderNormalises(String header, String expected) {
        assertThat(Hostnames.fromHostHeader(header)).isEqualTo(expected);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            "app.burrow.test:",
            "app.burrow.test:http",
            "app.burrow.test:80a",
            "app.burrow.test:123456",
            "app.burrow.test:99999",
            "app.burrow.test:65536",
            "app.burrow.test:-1",
            "app.burrow.test:+80",
            "app.burrow.test: 80",
            "app.burrow.test:80:80",
            "app..burrow.test",
            ".app.burrow.test",
            "app.burrow.test..",
            "-app.burrow.test",
            "app-.burrow.test",
            "a_b.burrow.test",
            "a<b>.burrow.test",
            "app.burrow.test/path",
            "user@app.burrow.test",
            "[::1]:8080",
            ":8080",
            ".",
    })
    void fromHostHeaderRejects(String header) {
        assertThat(Hostnames.fromHostHeader(header)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "0", "a-b", "a--b", "xn--bcher-kva", "abc123"})
    void validLabels(String label) {
        assertThat(HostnameRules.isValidLabel(label)).isTrue();
    }

    @Test
    void labelOf63CharactersIsValidAnd64IsNot() {
        assertThat(HostnameRules.isValidLabel("a".repeat(63))).isTrue();
        assertThat(HostnameRules.isValidLabel("a".repeat(64))).isFalse();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"-a", "a-", "-", "A", "aB", "a_b", "a.b", "a b", "ü", "a\n"})
    void invalidLabels(String label) {
        assertThat(HostnameRules.isValidLabel(label)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.b", "app.burrow.test", "x-1.y-2.z"})
    void validHostnames(String hostname) {
        assertThat(HostnameRules.isValidHostname(hostname)).isTrue();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"localhost", "a.", ".a", "a..b", "a.b.", "a.-b", "A.b", "a.b:80"})
    void invalidHostnames(String hostname) {
        assertThat(HostnameRules.isValidHostname(hostname)).isFalse();
    }

    @Test
    void hostnameOf253CharactersIsValidAnd254IsNot() {
        // Three labels of 63, one of 61 and three dots: 189 + 61 + 3 = 253.
        String label = "a".repeat(63);
        String name253 = label + "." + label + "." + label + "." + "b".repeat(61);
        assertThat(name253).hasSize(253);

        assertThat(HostnameRules.isValidHostname(name253)).isTrue();
        assertThat(HostnameRules.isValidHostname(name253 + "b")).isFalse();
    }

    @RepeatedTest(20)
    void randomLabelIsReadableAndValid() {
        String label = Hostnames.randomLabel();

        assertThat(label).matches("[a-z]+-[a-z]+-\\d\\d");
        assertThat(HostnameRules.isValidLabel(label)).isTrue();
        assertThat(Integer.parseInt(label.substring(label.lastIndexOf('-') + 1))).isBetween(10, 99);
    }
}
