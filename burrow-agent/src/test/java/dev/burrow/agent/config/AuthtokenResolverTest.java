package dev.burrow.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthtokenResolverTest {

    private static final AgentConfig FILE = AgentConfig.empty().withAuthtoken("from-file");
    private static final Map<String, String> ENV = Map.of("BURROW_AUTHTOKEN", "from-env");

    @Test
    void flagWinsOverEnvironmentAndFile() {
        assertThat(AuthtokenResolver.resolve("from-flag", ENV, FILE)).contains("from-flag");
    }

    @Test
    void environmentWinsOverFile() {
        assertThat(AuthtokenResolver.resolve(null, ENV, FILE)).contains("from-env");
    }

    @Test
    void fileIsTheLastResort() {
        assertThat(AuthtokenResolver.resolve(null, Map.of(), FILE)).contains("from-file");
    }

    @Test
    void blankValuesDoNotHideLaterSources() {
        assertThat(AuthtokenResolver.resolve("  ", Map.of("BURROW_AUTHTOKEN", ""), FILE)).contains("from-file");
    }

    @Test
    void nothingAnywhereIsEmpty() {
        assertThat(AuthtokenResolver.resolve(null, Map.of(), AgentConfig.empty())).isEmpty();
    }

    @Test
    void surroundingWhitespaceIsDropped() {
        assertThat(AuthtokenResolver.resolve(null, Map.of("BURROW_AUTHTOKEN", "tok\n"), FILE)).contains("tok");
    }
}
