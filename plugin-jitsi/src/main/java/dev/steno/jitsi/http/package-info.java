/** REST access to meeting transcripts. */
package dev.steno.jitsi.http;
