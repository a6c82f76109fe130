package dev.burrow.edge.policy.action;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * GitHub (or GitHub Enterprise Server) as a sign-in ({@code oauth} with provider github) speaks to it: GitHub's OAuth
 * 2.0 web flow, which is not OpenID. The visitor authorizes at {@code <github_url>/login/oauth/authorize} (state and
 * PKCE S256 as the flow sends them), the code is traded at {@code <github_url>/login/oauth/access_token}, and the
 * access token reads {@code <github_api_url>/user} ({@code id}, {@code login}, the public {@code email}) and
 * {@code <github_api_url>/user/emails} (with scope {@code user:email}): the verified addresses, the primary first.
 * When that list cannot be read, the public email stands alone (GitHub lets only a verified address be public).
 * The access token is used for these two reads and dropped.
 */
final class GitHubProvider implements IdentityProvider {
    static final URI GITHUB = URI.create("https://github.com");
    static final URI GITHUB_API = URI.create("https://api.github.com");
    /** GitHub's user names: letters, digits and single hyphens; Enterprise Server may add underscores and dots. */
    private static final Pattern LOGIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    private static final int MAX_TOKEN = 4096;

    private final String web;
    private final String api;
    private final String clientId;
    private final String clientSecret;

    GitHubProvider(URI web, URI api, String clientId, String clientSecret) {
        this.web = withoutSlash(web);
        this.api = withoutSlash(api);
        this.clientId = clientId;
        this.clientSecret = clientSecret;
    }

    /** GitHub has no nonce: the state and the PKCE verifier bind the sign-in to the browser. */
    @Override
    public CompletionStage<String> authorizationUrl(Map<String, String> parameters, String nonce) {
        return CompletableFuture.completedFuture(web + "/login/oauth/authorize?" + IssuerHttp.form(parameters));
    }

    @Override
    public CompletionStage<Identity> identity(String code, String verifier, String redirectUri, String nonce) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("client_id", clientId);
        form.put("client_secret", clientSecret);
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        form.put("code_verifier", verifier);
        HttpRequest request = HttpRequest.newBuilder(URI.create(web + "/login/oauth/access_token"))
                .timeout(IssuerHttp.SIGN_IN_TIMEOUT).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(IssuerHttp.form(form)))
                .build();
        return IssuerHttp.CLIENT.sendAsync(request, IssuerHttp.BOUNDED)
                .thenApply(response -> accessToken(response.statusCode(), response.body()))
                .thenCompose(token -> api(token, "/user").thenCompose(user -> api(token, "/user/emails")
                        .handle((emails, failure) -> identity(user, failure == null ? emails : null))));
    }

    /** The access token, from the token endpoint's answer, which may be 200 and still an error. */
    static String accessToken(int status, String answer) {
        JsonNode body = status == 200 ? IssuerHttp.json(answer, "GitHub's token answer") : null;
        if (body == null || body.hasNonNull("error")) {
            throw new IllegalStateException("GitHub refused the code: " + (body == null ? "status " + status
                    : (body.path("error").asText() + " " + body.path("error_description").asText()).strip()));
        }
        JsonNode token = body.get("access_token");
        if (token == null || !token.isTextual() || token.asText().isEmpty() || token.asText().length() > MAX_TOKEN) {
            throw new IllegalStateException("GitHub's token answer has no usable access_token");
        }
        return token.asText();
    }

    private CompletableFuture<JsonNode> api(String token, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(api + path)).timeout(IssuerHttp.SIGN_IN_TIMEOUT)
                .header("Authorization", "Bearer " + token).header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28").header("User-Agent", "burrow-edge").GET().build();
        return IssuerHttp.CLIENT.sendAsync(request, IssuerHttp.BOUNDED).thenApply(response -> {
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GitHub's " + path + " answered " + response.statusCode());
            }
            return IssuerHttp.json(response.body(), "GitHub's " + path);
        });
    }

    /**
     * @param user   GitHub's {@code /user}
     * @param emails GitHub's {@code /user/emails}, or null when it could not be read
     */
    static Identity identity(JsonNode user, JsonNode emails) {
        JsonNode id = user.get("id");
        JsonNode login = user.get("login");
        if (id == null || !id.isIntegralNumber() || id.asLong() <= 0) {
            throw new IllegalStateException("GitHub's /user has no numeric id");
        }
        if (login == null || !login.isTextual() || !LOGIN.matcher(login.asText()).matches()) {
            throw new IllegalStateException("GitHub's /user has no usable login");
        }
        List<String> verified = new ArrayList<>();
        if (emails != null && emails.isArray()) {
            for (JsonNode email : emails) {
                if (email.path("verified").asBoolean(false) && email.path("email").isTextual()) {
                    verified.add(email.path("primary").asBoolean(false) ? 0 : verified.size(),
                            email.path("email").asText());
                }
            }
        } else if (user.path("email").isTextual()) {
            verified.add(user.path("email").asText());
        }
        return new Identity("github:" + id.asLong(), login.asText(), verified);
    }

    private static String withoutSlash(URI url) {
        String text = url.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }
}
