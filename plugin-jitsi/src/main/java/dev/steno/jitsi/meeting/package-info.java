/**
 * Meetings and their participants: the core every Jitsi / media-server entry point feeds.
 *
 * <p>A {@link dev.steno.jitsi.meeting.MeetingRegistry} maps meeting ids to {@link dev.steno.jitsi.meeting.Meeting}s;
 * a meeting's {@link dev.steno.jitsi.meeting.Participant}s each own one engine session (all sharing the server's
 * model and bounded scheduler). An entry point joins a participant, pushes its audio
 * ({@link dev.steno.jitsi.meeting.Participant#addAudio16k}, {@link dev.steno.jitsi.meeting.Participant#addPcm48k})
 * and calls {@link dev.steno.jitsi.meeting.Participant#end()}; results come back through a
 * {@link dev.steno.jitsi.meeting.ParticipantListener} as interim and final
 * {@link dev.steno.jitsi.meeting.Utterance}s, and every committed line is written to the
 * {@link dev.steno.jitsi.meeting.TranscriptStore} as it is committed.
 */
package dev.steno.jitsi.meeting;
