/**
 * Domain vocabulary: term corrections applied to committed words before any sink sees them ({@code --corrections},
 * per-session sets from {@code --corrections-dir}) and hotwords that prime the recogniser ({@code --hotwords}).
 *
 * <p>{@link dev.steno.engine.corrections.CorrectionRules} parses a rules file, {@link
 * dev.steno.engine.corrections.Corrector} rewrites words with it, {@link
 * dev.steno.engine.corrections.ReloadingCorrections} follows a file as it is edited, {@link
 * dev.steno.engine.corrections.CorrectionSets} holds the server-wide set and the named ones, and {@link
 * dev.steno.engine.corrections.Hotwords} turns a term list into prompt text and keyword lists.
 */
package dev.steno.engine.corrections;
