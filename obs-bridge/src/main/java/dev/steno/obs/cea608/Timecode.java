package dev.steno.obs.cea608;

/**
 * SMPTE timecode for a frame index. At 29.97 fps it is drop-frame ({@code HH:MM:SS;FF}: frame numbers 0 and 1 are
 * skipped at every minute except each tenth, so the timecode keeps up with the clock); at other rates it is
 * non-drop ({@code HH:MM:SS:FF}) at the nearest whole rate.
 */
public final class Timecode {
    private Timecode() {
    }

    /** Whether {@code fps} is NTSC's 30000/1001 (to within a hundredth). */
    public static boolean isDropFrameRate(double fps) {
        return Math.abs(fps - Cea608Settings.NTSC_FRAME_RATE) < 0.01;
    }

    /** The timecode of frame {@code frame} (0 = 00:00:00:00). */
    public static String of(long frame, double fps) {
        if (frame < 0) {
            throw new IllegalArgumentException("frame index must not be negative: " + frame);
        }
        if (isDropFrameRate(fps)) {
            // 17982 frames per ten minutes; 1798 per dropped minute after the first of each ten.
            long tens = frame / 17982;
            long rest = frame % 17982;
            long label = frame + 18 * tens + (rest > 1 ? 2 * ((rest - 2) / 1798) : 0);
            return format(label, 30, ';');
        }
        return format(frame, (int) Math.round(fps), ':');
    }

    private static String format(long label, int base, char separator) {
        long ff = label % base;
        long totalSeconds = label / base;
        return String.format("%02d:%02d:%02d%c%02d", totalSeconds / 3600, totalSeconds / 60 % 60, totalSeconds % 60,
                separator, ff);
    }
}
