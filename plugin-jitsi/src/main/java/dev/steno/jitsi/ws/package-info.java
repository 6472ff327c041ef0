/** What the Jitsi WebSocket entry points share: bounded outbound queues and path helpers. */
package dev.steno.jitsi.ws;
