package dev.voxwire.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 and base64url helpers shared by the issuer and the authenticator. */
final class Hs256 {
    static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private Hs256() {
    }

    static SecretKeySpec key(String secret) {
        byte[] k = secret.getBytes(StandardCharsets.UTF_8);
        if (k.length < 32) {
            throw new IllegalArgumentException("secret: " + k.length + " bytes (expected: >= 32 bytes)");
        }
        return new SecretKeySpec(k, "HmacSHA256");
    }

    static byte[] sign(SecretKeySpec key, String signingInput) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
