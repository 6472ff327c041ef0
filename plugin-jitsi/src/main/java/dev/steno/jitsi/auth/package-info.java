/** Authentication of Jigasi clients: RS256 JWTs checked against configured public keys. */
package dev.steno.jitsi.auth;
