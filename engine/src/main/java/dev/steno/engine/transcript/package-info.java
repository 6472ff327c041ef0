/** The transcript model: immutable words, lines and updates shared by every sink. */
package dev.steno.engine.transcript;
