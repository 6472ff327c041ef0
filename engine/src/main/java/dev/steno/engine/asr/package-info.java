/** Speech recogniser interface and its backends (whisper.cpp through whisper-jni; the Java Whisper later). */
package dev.steno.engine.asr;
