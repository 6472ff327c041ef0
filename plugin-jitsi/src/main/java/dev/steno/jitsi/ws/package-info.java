/** What the Jitsi WebSocket entry points share: the meeting-socket skeleton, bounded outbound queues, path helpers. */
package dev.steno.jitsi.ws;
