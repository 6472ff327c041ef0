/** The caption stream every output consumes: {@link dev.steno.obs.caption.CaptionSink}, the feed, text reflow. */
package dev.steno.obs.caption;
