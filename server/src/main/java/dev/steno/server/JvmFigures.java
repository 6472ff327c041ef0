package dev.steno.server;

import com.sun.management.GarbageCollectorMXBean;
import com.sun.management.GcInfo;
import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The JVM's own figures a soak watches for leaks: heap in use, heap still live after the most recent garbage
 * collection, live threads and open file descriptors. Heap in use saws up and down with every allocation burst;
 * the heap after a collection is what survived it, so its trend over time is the leak signal.
 *
 * @param heapUsedBytes    heap in use now, garbage included
 * @param heapAfterGcBytes heap in use right after the most recent collection of the young generation (or of the whole
 *                         heap); empty until one ran
 * @param threads          live platform threads (virtual threads are not counted: they come and go with tasks)
 * @param openFds          file descriptors open in the process (sockets, jars, files), where the
 *                         system tells (Unix)
 */
public record JvmFigures(long heapUsedBytes, OptionalLong heapAfterGcBytes, int threads, OptionalLong openFds) {

    /** The figures now. */
    public static JvmFigures now() {
        long heapUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        OptionalLong fds = ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? OptionalLong.of(unix.getOpenFileDescriptorCount()) : OptionalLong.empty();
        return new JvmFigures(heapUsed, heapAfterLastGc(), threads, fds);
    }

    /**
     * The heap pools' usage after the latest collection that collected the young generation, over all collectors:
     * a young collection's figure counts what it promoted, an old or full one's what survived everything. Pauses
     * that free no young objects (G1's remark and cleanup, reported by its "G1 Concurrent GC" bean) are left out:
     * their after-figure is the heap at that moment, garbage and all.
     */
    private static OptionalLong heapAfterLastGc() {
        Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
                .collect(Collectors.toSet());
        GcInfo latest = null;
        for (var bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (bean instanceof GarbageCollectorMXBean gc) {
                GcInfo info = gc.getLastGcInfo();
                if (info != null && collectedYoung(info)
                        && (latest == null || info.getEndTime() > latest.getEndTime())) {
                    latest = info;
                }
            }
        }
        if (latest == null) {
            return OptionalLong.empty();
        }
        long used = 0;
        for (var pool : latest.getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                used += pool.getValue().getUsed();
            }
        }
        return OptionalLong.of(used);
    }

    /** Whether the collection emptied some of the young generation (collectors without an eden pool: always). */
    private static boolean collectedYoung(GcInfo info) {
        for (Map.Entry<String, MemoryUsage> before : info.getMemoryUsageBeforeGc().entrySet()) {
            if (before.getKey().contains("Eden")) {
                MemoryUsage after = info.getMemoryUsageAfterGc().get(before.getKey());
                return after != null && after.getUsed() < before.getValue().getUsed();
            }
        }
        return true;
    }
}
