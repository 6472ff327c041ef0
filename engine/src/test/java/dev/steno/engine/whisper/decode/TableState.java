package dev.steno.engine.whisper.decode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** A {@link DecodingState} whose next-token logits are a function of the tokens so far (crafted test models). */
final class TableState implements DecodingState {
    private final Function<List<Integer>, float[]> model;
    private final int capacity;
    final List<Integer> tokens = new ArrayList<>();
    int steps;
    int copies;

    TableState(Function<List<Integer>, float[]> model, int capacity, List<Integer> prompt) {
        this.model = model;
        this.capacity = capacity;
        tokens.addAll(prompt);
    }

    float[] logits() {
        return model.apply(List.copyOf(tokens)).clone();
    }

    @Override
    public float[] step(int token) {
        if (tokens.size() >= capacity) {
            throw new IllegalStateException("full");
        }
        tokens.add(token);
        steps++;
        return logits();
    }

    @Override
    public int position() {
        return tokens.size();
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public void rewind(int position) {
        while (tokens.size() > position) {
            tokens.remove(tokens.size() - 1);
        }
    }

    @Override
    public void copyFrom(DecodingState other) {
        tokens.clear();
        tokens.addAll(((TableState) other).tokens);
        copies++;
    }
}
