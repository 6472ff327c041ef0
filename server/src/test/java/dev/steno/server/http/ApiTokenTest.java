package dev.steno.server.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ApiTokenTest {
    @Test
    void acceptsTheTokenAsQueryOrBearerHeader() {
        assertTrue(ApiToken.matches("s3cret", null, "s3cret"));
        assertTrue(ApiToken.matches(null, "Bearer s3cret", "s3cret"));
        assertTrue(ApiToken.matches(null, "bearer  s3cret ", "s3cret"), "scheme is case-insensitive, token stripped");
    }

    @Test
    void refusesAMissingWrongOrOtherSchemeToken() {
        assertFalse(ApiToken.matches(null, null, "s3cret"));
        assertFalse(ApiToken.matches("s3cre", null, "s3cret"));
        assertFalse(ApiToken.matches(null, "Basic s3cret", "s3cret"));
        assertFalse(ApiToken.matches("wrong", "Bearer s3cret", "s3cret"), "the query token wins when both are given");
        assertFalse(ApiToken.matches("s3cret-and-more", null, "s3cret"), "a right prefix is not the token");
        assertFalse(ApiToken.matches("", null, "s3cret"));
        assertTrue(ApiToken.matches("clé-ü", null, "clé-ü"), "compared as UTF-8");
    }
}
