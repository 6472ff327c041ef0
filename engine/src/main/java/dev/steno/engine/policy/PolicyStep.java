package dev.steno.engine.policy;

import dev.steno.engine.transcript.Word;
import java.util.List;

/** Placeholder until the policy branch is merged. */
public record PolicyStep(List<Word> committed, List<Word> tentative) {
}
