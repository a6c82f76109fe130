package dev.burrow.edge.acme;

import dev.burrow.tls.ServerTrust;
import java.net.http.HttpClient;
import java.security.Security;
import javax.net.ssl.SSLContext;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/** Opens acme4j sessions to the configured CA, trusting the CA's own HTTPS the way the settings say. */
final class AcmeSession {
    private AcmeSession() {
    }

    static Session open(AcmeSettings settings) {
        // acme4j makes its keys and CSRs through the Bouncy Castle provider, which must therefore be registered.
        if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
            Security.addProvider(new BouncyCastleProvider());
        }
        if (settings.caFile() == null) {
            return new Session(settings.directory());
        }
        SSLContext trust = ServerTrust.caFile(settings.caFile()).jdkContext();
        return new Session(settings.directory(), new GenericAcmeProvider() {
            /** acme4j's own client, but trusting only the given CAs; the hostname is still checked. */
            @Override
            public HttpClient createHttpClient(NetworkSettings network) {
                return HttpClient.newBuilder()
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .connectTimeout(network.getTimeout())
                        .proxy(network.getProxySelector())
                        .sslContext(trust)
                        .build();
            }
        });
    }
}
