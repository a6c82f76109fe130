package dev.burrow.edge.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.burrow.edge.domain.DomainProof;
import dev.burrow.edge.domain.EdgeOwnDomain;
import dev.burrow.store.Domain;
import dev.burrow.store.DomainStore;
import dev.burrow.store.StoreException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code /api/domains}: domains outside the edge's own whose names an account may bind once a DNS TXT record proved
 * it owns them: list (of one account with {@code ?account=}), add (with the record to create), verify (the record
 * looked up now), remove. The rules are {@code burrow edge domain}'s: the edge's own domain and the names under it
 * are never an account's, and a domain belongs to one account.
 */
final class DomainsEndpoint {
    private static final Set<String> ADD_FIELDS = Set.of("domain", "account");

    private final AdminEdge edge;

    DomainsEndpoint(AdminEdge edge) {
        this.edge = edge;
    }

    CompletionStage<AdminAnswer> list(AdminRequest request) {
        String account = request.query("account");
        return edge.onStore(() -> {
            List<Domain> domains = account == null ? edge.domains().list() : edge.domains().list(account);
            ObjectNode node = AdminJson.object();
            ArrayNode list = node.putArray("domains");
            domains.forEach(domain -> list.add(AdminJson.domain(domain)));
            return AdminAnswer.ok(node);
        });
    }

    CompletionStage<AdminAnswer> add(AdminRequest request) {
        JsonNode body = request.object();
        Fields.onlyKnown(body, ADD_FIELDS);
        String domain = Fields.text(body, "domain", true).toLowerCase(Locale.ROOT);
        String account = Fields.text(body, "account", true);
        try {
            DomainStore.requireValidName(domain);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        String refusal = EdgeOwnDomain.refusal(domain, edge.domain());
        if (refusal != null) {
            throw ApiError.badRequest(refusal);
        }
        return edge.onStore(() -> {
            if (edge.accounts().find(account).isEmpty()) {
                throw AccountsEndpoint.noSuchAccount(account);
            }
            try {
                return AdminAnswer.created(AdminJson.domain(edge.domains().add(account, domain)));
            } catch (StoreException e) {
                // The store words who holds it; asked afterwards, it tells a conflict from an outage.
                if (edge.domains().find(domain).isPresent()) {
                    throw ApiError.conflict("domain_exists", e.getMessage());
                }
                throw e;
            }
        });
    }

    /**
     * Looks the record up now, on the edge's DNS thread, and marks the domain verified if it holds the challenge;
     * {@code 409 domain_not_verified} says why not. A verified domain stays verified, whatever its record says now.
     */
    CompletionStage<AdminAnswer> verify(AdminRequest request) {
        String name = request.param(0);
        return edge.onStore(() -> find(name)).thenCompose(domain -> {
            if (domain.verified()) {
                return CompletableFuture.completedFuture(AdminAnswer.ok(AdminJson.domain(domain)));
            }
            return edge.proveDomain(domain).thenApplyAsync(result -> {
                if (!result.proven()) {
                    throw ApiError.conflict("domain_not_verified", DomainProof.notVerified(domain, result));
                }
                // False if the edge's own check marked it a moment ago: verified either way.
                edge.domains().markVerified(domain.name());
                return AdminAnswer.ok(AdminJson.domain(find(name)));
            }, edge.storeExecutor());
        });
    }

    CompletionStage<AdminAnswer> remove(AdminRequest request) {
        String name = request.param(0);
        return edge.onStore(() -> {
            if (!edge.domains().remove(name)) {
                throw noSuchDomain(name);
            }
            return AdminAnswer.ok(AdminJson.object().put("removed", name.toLowerCase(Locale.ROOT)));
        });
    }

    private Domain find(String name) {
        return edge.domains().find(name).orElseThrow(() -> noSuchDomain(name));
    }

    private static ApiError noSuchDomain(String name) {
        return ApiError.notFound("no_such_domain", "no domain '" + name.toLowerCase(Locale.ROOT) + "'");
    }
}
