/** The per-stream pipeline that ties audio, a streaming policy and transcript updates together. */
package dev.steno.engine.session;
