package dev.steno.engine.diarization.scoring;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Seeded random reference conversations and imperfect systems for them: overlaps, gaps, touching and repeated turns,
 * and systems with permuted labels, boundaries moved within and beyond a 0.25 s collar, dropped, relabelled, split
 * and invented turns, and an extra speaker.
 */
final class RandomTurns {
    private final Random random;

    RandomTurns(long seed) {
        random = new Random(seed);
    }

    /** A conversation of {@code speakers} people over about {@code seconds}. */
    List<RttmTurn> reference(String file, int speakers, double seconds) {
        List<RttmTurn> turns = new ArrayList<>();
        double t = random.nextDouble();
        int previous = -1;
        while (t < seconds) {
            int speaker = random.nextInt(speakers);
            if (speaker == previous && random.nextDouble() < 0.7) {
                speaker = (speaker + 1) % speakers;
            }
            double duration = 0.2 + random.nextDouble() * 3.5;
            turns.add(new RttmTurn(file, t, duration, "R" + speaker));
            double roll = random.nextDouble();
            if (roll < 0.05) {
                // the same speaker's turn written twice, overlapping
                turns.add(new RttmTurn(file, t + duration * 0.5, duration, "R" + speaker));
            } else if (roll < 0.07) {
                turns.add(new RttmTurn(file, t + duration * 0.3, 0, "R" + ((speaker + 1) % speakers)));
            }
            double next = random.nextDouble();
            t = next < 0.25 ? t + duration - random.nextDouble() * Math.min(duration, 1.5)
                    : next < 0.35 ? t + duration
                    : t + duration + random.nextDouble() * 1.5;
            previous = speaker;
        }
        return turns;
    }

    /** An imperfect system's view of {@code reference}. */
    List<RttmTurn> system(List<RttmTurn> reference) {
        List<String> names = reference.stream().map(RttmTurn::speaker).distinct().toList();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            labels.add("S" + i);
        }
        Collections.shuffle(labels, random);
        List<RttmTurn> out = new ArrayList<>();
        double last = 0;
        for (RttmTurn r : reference) {
            last = Math.max(last, r.end());
            if (r.duration() == 0 || random.nextDouble() < 0.08) {
                continue;
            }
            String label = labels.get(names.indexOf(r.speaker()));
            double roll = random.nextDouble();
            if (roll < 0.08) {
                label = labels.get(random.nextInt(labels.size()));
            } else if (roll < 0.12) {
                label = "S-extra";
            }
            double start = Math.max(0, r.start() + jitter());
            double end = Math.max(start + 0.05, r.end() + jitter());
            if (random.nextDouble() < 0.08) {
                double cut = start + (end - start) * random.nextDouble();
                out.add(new RttmTurn(r.file(), start, cut - start, label));
                out.add(new RttmTurn(r.file(), cut, end - cut, labels.get(random.nextInt(labels.size()))));
            } else {
                out.add(new RttmTurn(r.file(), start, end - start, label));
            }
        }
        String file = reference.get(0).file();
        int invented = 1 + random.nextInt(4);
        for (int i = 0; i < invented; i++) {
            // anywhere, also before the reference starts and after it ends
            double start = random.nextDouble() * (last + 3);
            String label = labels.get(random.nextInt(labels.size()));
            out.add(new RttmTurn(file, start, 0.1 + random.nextDouble() * 2, label));
        }
        return out;
    }

    /** Up to three scored windows per recording of {@code seconds}. */
    List<UemSegment> uem(String file, double seconds) {
        List<UemSegment> out = new ArrayList<>();
        double t = random.nextDouble() * 3;
        int windows = 1 + random.nextInt(3);
        for (int i = 0; i < windows && t < seconds; i++) {
            double end = Math.min(seconds + 2, t + 3 + random.nextDouble() * seconds / windows);
            out.add(new UemSegment(file, t, end));
            t = end + random.nextDouble() * 4;
        }
        return out;
    }

    /** A boundary error: mostly inside the 0.25 s collar, sometimes well beyond it. */
    private double jitter() {
        double size = random.nextDouble() < 0.7 ? 0.24 : 0.8;
        return (random.nextDouble() * 2 - 1) * size;
    }
}
