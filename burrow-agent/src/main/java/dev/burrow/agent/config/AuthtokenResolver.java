package dev.burrow.agent.config;

import java.util.Map;
import java.util.Optional;

/** Decides which authtoken the agent uses when several sources offer one. */
public final class AuthtokenResolver {

    public static final String ENV_VAR = "BURROW_AUTHTOKEN";

    private AuthtokenResolver() {}

    /**
     * The most specific source wins: the {@code --authtoken} flag, then the {@code BURROW_AUTHTOKEN}
     * environment variable, then the config file. Blank values count as absent, so an exported but empty
     * variable does not hide the token saved in the file.
     *
     * @param flagValue the flag's value, or null when not given
     * @param env the process environment
     * @param file the loaded config file (empty when there is none)
     */
    public static Optional<String> resolve(String flagValue, Map<String, String> env, AgentConfig file) {
        return present(flagValue)
                .or(() -> present(env.get(ENV_VAR)))
                .or(() -> present(file.authtoken()));
    }

    private static Optional<String> present(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
