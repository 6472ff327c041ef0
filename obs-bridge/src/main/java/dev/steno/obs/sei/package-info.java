/**
 * CEA-608 captions carried in H.264: ATSC A/53 caption SEI messages ({@link dev.steno.obs.sei.A53CaptionSei}), with
 * emulation prevention, and an Annex-B injector that puts one before each picture.
 */
package dev.steno.obs.sei;
