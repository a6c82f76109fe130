package dev.burrow.edge.policy.action;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import java.util.List;
import java.util.Set;

/**
 * Checks a JWT's signature against an issuer's published keys, for the actions that take tokens. Only asymmetric
 * algorithms exist here: a key set holds public keys, and an HMAC "signed" with one proves nothing.
 */
final class JwtSignatures {
    static final Set<JWSAlgorithm> ASYMMETRIC = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
            JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    private JwtSignatures() {
    }

    /** Whether one of the keys (the one the token names, if it names one) verifies it with an allowed algorithm. */
    static boolean verified(SignedJWT jwt, List<JWKSet> keySets, Set<JWSAlgorithm> allowed) {
        JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
        if (!allowed.contains(algorithm) || !ASYMMETRIC.contains(algorithm)) {
            return false;
        }
        String keyId = jwt.getHeader().getKeyID();
        for (JWKSet set : keySets) {
            for (JWK key : set.getKeys()) {
                if (keyId != null && !keyId.equals(key.getKeyID())) {
                    continue;
                }
                try {
                    JWSVerifier verifier = verifier(key, algorithm);
                    if (verifier != null && jwt.verify(verifier)) {
                        return true;
                    }
                } catch (JOSEException e) {
                    // A key of the wrong kind or size for this token: try the next one.
                }
            }
        }
        return false;
    }

    private static JWSVerifier verifier(JWK key, JWSAlgorithm algorithm) throws JOSEException {
        if (key instanceof RSAKey rsa && JWSAlgorithm.Family.RSA.contains(algorithm)) {
            return new RSASSAVerifier(rsa.toRSAPublicKey());
        }
        if (key instanceof ECKey ec && JWSAlgorithm.Family.EC.contains(algorithm)) {
            return new ECDSAVerifier(ec.toECPublicKey());
        }
        return null;
    }
}
