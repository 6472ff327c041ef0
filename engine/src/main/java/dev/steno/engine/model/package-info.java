/**
 * Whisper model files: the catalog of official ggml models, the local cache, and the downloader that fills it.
 *
 * <p>Downloads resume from a {@code .part} file, are checked against the recorded SHA-256 where one is known, and
 * only appear under their final name once complete, so a file found in the cache is always a whole one.
 */
package dev.steno.engine.model;
