/**
 * The {@link dev.steno.engine.session.InferenceScheduler} that runs the steps of all live streams on a few shared
 * worker threads: network threads feed a {@link dev.steno.engine.session.ScheduledSession}, workers step its
 * {@link dev.steno.engine.session.Steppable} stream in turn, oldest unheard audio first.
 */
package dev.steno.engine.session;
