/**
 * Our own CEA-608 caption encoder for live speech.
 *
 * <p>{@link dev.steno.obs.cea608.Cea608CaptionSink} takes committed words (and tentative text, which only marks
 * speech) and yields exactly one byte pair per video frame: roll-up (2-4 rows at the bottom) or pop-on, CC1 or CC2,
 * odd parity, doubled commands, the basic/special/extended character sets with transliteration, a 32-column wrap and
 * a bounded delay (the oldest unsent words are dropped when speech outruns the channel). Who pulls the pairs sets
 * the clock; use exactly one puller per sink:
 * <pre>{@code
 * Cea608CaptionSink sink = new Cea608CaptionSink(Cea608Settings.defaults()            // CC1, RU2, 29.97 fps
 *         .withMode(CaptionMode.ROLL_UP_3).withChannel(Channel.CC2));
 * // transcription side (any thread):
 * sink.commit(speaker, words);  sink.partial(tentativeText);  sink.silence();  // or sink.accept(update)
 *
 * // a live SCC file in one object (sink + writer + pump): LiveSccFile.open(path, settings, scheduler), then
 * // committed(speaker, words) / partial(text) / silence() / close(); or by hand, paced by the wall clock:
 * SccWriter scc = new SccWriter(Files.newBufferedWriter(path), sink.settings().frameRate());
 * Cea608FramePump pump = new Cea608FramePump(sink, sink.settings().frameRate(), List.of(scc), System::nanoTime);
 * pump.start(scheduler);
 * ...   // end of stream: every queued word and the final erase go into the file, then close it
 * sink.silence(); pump.finish(sink::idle, 600); scc.close();
 *
 * // or H.264 (Annex B, no B-frames) paced by its own pictures, e.g. a pipe between two ffmpeg processes:
 * new CaptionSeiInjector(sink, sink.settings().frameRate()).inject(h264In, h264Out, scc);   // scc: optional tap
 * }</pre>
 */
package dev.steno.obs.cea608;
