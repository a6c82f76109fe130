package dev.burrow.edge.policy.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * Reading GitHub's answers, in the shapes GitHub's documentation gives them: the token endpoint's (an error may come
 * with status 200), {@code /user} and {@code /user/emails}. The flow over the network is in GitHubSignInTest.
 */
class GitHubProviderTest {
    private static JsonNode json(String text) {
        return IssuerHttp.json(text, "test");
    }

    @Test
    void anErrorInA200AnswerFailsTheSignInWithGitHubsReason() {
        assertThatThrownBy(() -> GitHubProvider.accessToken(200, """
                {"error": "bad_verification_code", "error_description": "The code passed is incorrect or expired.",
                 "error_uri": "https://docs.github.com/apps/troubleshooting"}"""))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("GitHub refused the code: bad_verification_code The code passed is incorrect or expired.");
        assertThatThrownBy(() -> GitHubProvider.accessToken(404, "Not Found"))
                .hasMessage("GitHub refused the code: status 404");
        assertThatThrownBy(() -> GitHubProvider.accessToken(200, "{\"token_type\": \"bearer\"}"))
                .hasMessage("GitHub's token answer has no usable access_token");
        assertThat(GitHubProvider.accessToken(200, """
                {"access_token": "gho_16C7e42F292c6912E7710c838347Ae178B4a", "scope": "read:user,user:email",
                 "token_type": "bearer"}""")).isEqualTo("gho_16C7e42F292c6912E7710c838347Ae178B4a");
    }

    @Test
    void theVerifiedAddressesComePrimaryFirstAndThePublicOneOnlyWithoutTheList() {
        JsonNode user = json("{\"login\": \"octocat\", \"id\": 583231, \"email\": \"octo@public.test\"}");
        JsonNode emails = json("""
                [{"email": "octo@old.test", "verified": false, "primary": false, "visibility": null},
                 {"email": "octo@work.test", "verified": true, "primary": false, "visibility": null},
                 {"email": "Octo@Home.test", "verified": true, "primary": true, "visibility": "public"}]""");

        Identity listed = GitHubProvider.identity(user, emails);
        Identity unlisted = GitHubProvider.identity(user, null);

        assertThat(listed).isEqualTo(new Identity("github:583231", "octocat", java.util.List.of("octo@home.test",
                "octo@work.test")));
        assertThat(unlisted.emails()).containsExactly("octo@public.test");
    }

    @Test
    void aUserWithoutANumericIdOrAUsableLoginFailsTheSignIn() {
        assertThatThrownBy(() -> GitHubProvider.identity(json("{\"login\": \"octocat\", \"id\": \"583231\"}"), null))
                .hasMessage("GitHub's /user has no numeric id");
        assertThatThrownBy(() -> GitHubProvider.identity(json("{\"login\": \"octo\\ncat\", \"id\": 1}"), null))
                .hasMessage("GitHub's /user has no usable login");
    }
}
