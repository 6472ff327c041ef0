/** The browser-source caption overlay served by the Steno server. */
package dev.steno.obs.overlay;
