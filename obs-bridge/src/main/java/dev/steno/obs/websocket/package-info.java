/** An obs-websocket v5 client: authentication, requests, events, reconnection. */
package dev.steno.obs.websocket;
