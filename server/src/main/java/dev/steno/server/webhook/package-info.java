/**
 * Webhooks of committed lines: every source of live text (browser {@code /asr} sessions, meeting participants)
 * publishes each line once it is committed to one {@link dev.steno.engine.transcript.LineSink}; the
 * {@link dev.steno.server.webhook.WebhookDispatcher} signs it as a Standard Webhook and delivers it to each target on
 * that target's own bounded queue, so that a slow or dead receiver never slows transcription.
 */
package dev.steno.server.webhook;
